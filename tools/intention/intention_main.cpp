#include "tools/intention/intention_main.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <vector>

#include "tools/intention/intention_commands.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::array kCommands{
    IntentionCommand{"check", "Check whether a connection between two services is allowed.",
                     run_intention_check},
    IntentionCommand{"create", "Create intentions for service connections.", run_intention_create},
    IntentionCommand{"delete", "Delete an intention.", run_intention_delete},
    IntentionCommand{"get", "Show information about an intention.", run_intention_get},
    IntentionCommand{"list", "List all intentions.", run_intention_list},
    IntentionCommand{"match", "Show intentions that match a source or destination.",
                     run_intention_match},
    IntentionCommand{"update", "Change the action of an existing intention.", run_intention_update},
};

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention <subcommand> [options] [args]

  Manage Connect intentions, the rules that say which services may connect to
  which, on any Consul agent (CONSUL_HTTP_ADDR, -http-addr; the dev agent too).
  Intentions are written through the exact API (/v1/connect/intentions/exact).

  Allow "web" to talk to "db", check it, turn it into a deny, remove it:

      $ gatehouse intention create web db
      $ gatehouse intention check web db
      $ gatehouse intention update -deny web db
      $ gatehouse intention delete web db

  Every subcommand accepts -h for its flags.

Subcommands:
)usage";

bool is_help(std::string_view arg) { return arg == "-h" || arg == "-help" || arg == "--help"; }

void print_usage(std::ostream& out) {
  std::vector<CommandSynopsis> list;
  list.reserve(kCommands.size());
  for (const auto& command : kCommands) list.push_back({command.name, command.synopsis});
  out << kUsage << command_list(list);
}

}  // namespace

int run_intention_command(std::span<const std::string> args, CliIo& io) {
  if (args.empty()) {
    print_usage(io.err);
    return 1;
  }
  if (is_help(args.front())) {
    print_usage(io.out);
    return 0;
  }
  const auto* found = std::ranges::find(kCommands, args.front(), &IntentionCommand::name);
  if (found == kCommands.end()) {
    io.err << "gatehouse intention: unknown subcommand \"" << args.front() << "\"\n\n";
    print_usage(io.err);
    return 1;
  }
  return found->run(args.subspan(1), io);
}

int run_intention(std::span<char* const> args) {
  const std::vector<std::string> strings(args.begin(), args.end());
  CliIo io{std::cout, std::cerr, std::cin, consul::process_env()};
  return run_intention_command(strings, io);
}

}  // namespace gatehouse::tools
