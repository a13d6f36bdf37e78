// `gatehouse intention get SRC DST` or `get ID`.
#include <ostream>

#include "tools/intention/blocking_call.hpp"
#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_details.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention get [options] SRC DST
Usage: gatehouse intention get [options] ID

  Read and show the details about an intention. The intention is found by its
  exact source and destination, or by the ID of a legacy intention.

      $ gatehouse intention get web db
)usage";

}  // namespace

int run_intention_get(std::span<const std::string> args, CliIo& io) {
  CommandLine cli{kUsage};
  if (auto exit = cli.parse(args, io, 1)) return *exit;
  const auto positional = cli.positional();
  if (positional.size() != 1 && positional.size() != 2) {
    io.err << "command requires exactly 1 or 2 arguments\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  const auto found = blocking_call<IntentionResult>(*agent, [&](consul::AgentClient& client) {
    return positional.size() == 1 ? get_intention_by_id(client, positional[0])
                                  : get_intention(client, positional[0], positional[1]);
  });
  if (!found) {
    io.err << found.error() << "\n";
    return 1;
  }
  io.out << format_intention_details(*found);
  return 0;
}

}  // namespace gatehouse::tools
