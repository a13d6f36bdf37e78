// `gatehouse intention match [-source|-destination] NAME`.
#include <boost/program_options/value_semantic.hpp>
#include <ostream>

#include "tools/intention/blocking_call.hpp"
#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention match [options] SRC|DST

  Show the intentions that would be enforced for a given destination (the
  default) or source, in the order they are evaluated.

      $ gatehouse intention match db
      $ gatehouse intention match -source web
)usage";

constexpr int kFlagErrorExit = 2;

}  // namespace

int run_intention_match(std::span<const std::string> args, CliIo& io) {
  bool source = false;
  bool destination = false;
  CommandLine cli{kUsage};
  cli.options().add_options()("source", po::bool_switch(&source),
                              "Match intentions with the given source.")(
      "destination", po::bool_switch(&destination), "Match intentions with the given destination.");
  if (auto exit = cli.parse(args, io, kFlagErrorExit)) return *exit;
  const auto positional = cli.positional();
  if (positional.size() != 1) {
    io.err << "Error: command requires exactly one argument: src or dst\n";
    return 1;
  }
  if (source && destination) {
    io.err << "Error: only one of -source or -destination may be specified\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  const auto by = source ? consul::MatchBy::source : consul::MatchBy::destination;
  const auto matches = blocking_call<IntentionsResult>(*agent, [&](consul::AgentClient& client) {
    return match_intentions(client, by, positional[0]);
  });
  if (!matches) {
    io.err << matches.error() << "\n";
    return 1;
  }
  for (const auto& ixn : *matches) io.out << ixn.to_cli_string() << "\n";
  return 0;
}

}  // namespace gatehouse::tools
