#pragma once
// `gatehouse echo`: a tiny TCP echo app for tests and the demo. Echoes bytes; on the client's EOF
// writes "bye\n" and closes (so a proxy's half-close is observable). `-http` answers every HTTP
// request with 200 and a body naming the service (`-name`).

#include <boost/system/result.hpp>
#include <span>
#include <string>

namespace gatehouse::tools {

struct EchoOptions {
  std::string listen = "127.0.0.1:0";
  std::string name = "echo";
  bool http = false;
  bool help = false;
};

// The flags (pure). The error is one line, e.g. "unrecognised option '-x'".
boost::system::result<EchoOptions, std::string> parse_echo_options(std::span<char* const> args);

std::string echo_usage();

int run_echo(std::span<char* const> args);

}  // namespace gatehouse::tools
