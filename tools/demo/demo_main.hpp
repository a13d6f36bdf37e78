#pragma once
// `gatehouse demo`: the whole intention loop on one machine (see tools/demo/demo.hpp).

#include <boost/system/result.hpp>
#include <span>
#include <string>

#include "tools/demo/demo.hpp"

namespace gatehouse::tools {

struct DemoCommandLine {
  DemoOptions options;
  std::string log_dir;  // empty: a new temp dir
};

// The flags (pure). The error is one line, e.g. "-settle: expected a positive duration ...".
boost::system::result<DemoCommandLine, std::string> parse_demo_options(std::span<char* const> args);

std::string demo_usage();

int run_demo(std::span<char* const> args);

}  // namespace gatehouse::tools
