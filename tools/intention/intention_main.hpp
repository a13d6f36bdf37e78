#pragma once
// `gatehouse intention <subcommand>`: intention management against any Consul agent.

#include <span>
#include <string>

#include "tools/intention/cli_io.hpp"

namespace gatehouse::tools {

// The `gatehouse` entry point (process streams and environment).
int run_intention(std::span<char* const> args);

// Dispatches `args` (subcommand name first) with injected streams and environment.
int run_intention_command(std::span<const std::string> args, CliIo& io);

}  // namespace gatehouse::tools
