#include "tools/subcommand.hpp"

#include <cstdio>

namespace gatehouse::tools {

void print_usage(std::span<const Subcommand> commands) {
  std::fputs("Usage: gatehouse [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n",
             stderr);
  for (const Subcommand& c : commands) {
    std::fprintf(stderr, "    %-14.*s%.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.synopsis.size()), c.synopsis.data());
  }
}

int run_version(std::span<char* const> /*args*/) {
  std::printf("Gatehouse v%s\n", GATEHOUSE_VERSION);
  return 0;
}

}  // namespace gatehouse::tools
