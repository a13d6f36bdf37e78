#include "tools/subcommand.hpp"

#include <cstdio>
#include <string_view>
#include <vector>

#include "tools/usage_text.hpp"

namespace gatehouse::tools {

void print_usage(std::span<const Subcommand> commands, std::FILE* out) {
  std::vector<CommandSynopsis> list;
  list.reserve(commands.size());
  for (const Subcommand& c : commands) list.push_back({c.name, c.synopsis});
  std::fputs(
      "Usage: gatehouse [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n", out);
  std::fputs(command_list(list).c_str(), out);
}

int run_version(std::span<char* const> args) {
  if (!args.empty()) {
    const std::string_view arg = args.front();
    if (arg == "-h" || arg == "-help" || arg == "--help") {
      const boost::program_options::options_description no_flags;
      std::fputs(usage_text("Usage: gatehouse version\n\n  Prints the Gatehouse version.", no_flags)
                     .c_str(),
                 stdout);
      return 0;
    }
  }
  std::printf("Gatehouse v%s\n", GATEHOUSE_VERSION);
  return 0;
}

}  // namespace gatehouse::tools
