#pragma once
// A `gatehouse` subcommand: a name, a one-line synopsis for `gatehouse -h`, and an entry point
// that receives the arguments after the subcommand's name and returns the process exit code.

#include <cstdio>
#include <span>
#include <string_view>

namespace gatehouse::tools {

using SubcommandMain = int (*)(std::span<char* const> args);

struct Subcommand {
  std::string_view name;
  std::string_view synopsis;
  SubcommandMain run;
};

// Prints the top-level usage (every subcommand with its synopsis), as `consul -h` does: on stdout
// when asked for, on stderr when the command line was wrong.
void print_usage(std::span<const Subcommand> commands, std::FILE* out);

// `gatehouse version`.
int run_version(std::span<char* const> args);

}  // namespace gatehouse::tools
