#pragma once
// Where a `gatehouse intention` subcommand reads and writes: the process streams in main, string
// streams in unit tests. The environment is injected too, so tests never touch the real one.

#include <iosfwd>

#include "consul/agent_config.hpp"

namespace gatehouse::tools {

struct CliIo {
  std::ostream& out;  // results (`Created: web => db (allow)`, the list table)
  std::ostream& err;  // errors and usage after a mistake, as the consul CLI does
  std::istream& in;   // `create -file -`
  consul::EnvGetter env;
};

}  // namespace gatehouse::tools
