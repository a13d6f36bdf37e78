// `gatehouse intention delete SRC DST` or `delete ID`.
#include <ostream>

#include "tools/intention/blocking_call.hpp"
#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention delete [options] SRC DST
Usage: gatehouse intention delete [options] ID

  Delete an intention. This cannot be reversed. The intention is found by its
  exact source and destination, or by the ID of a legacy intention.

      $ gatehouse intention delete web db
      Intention deleted.
)usage";

}  // namespace

int run_intention_delete(std::span<const std::string> args, CliIo& io) {
  CommandLine cli{kUsage};
  if (auto exit = cli.parse(args, io, 1)) return *exit;
  const auto positional = cli.positional();
  if (positional.size() != 1 && positional.size() != 2) {
    io.err << "command requires exactly 1 or 2 arguments\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  const auto deleted =
      positional.size() == 1
          ? blocking_call<OpResult>(*agent,
                                    [&](consul::AgentClient& client) {
                                      return delete_intention_by_id(client, positional[0]);
                                    })
          : delete_intention(*agent, positional[0], positional[1]);
  if (!deleted) {
    io.err << deleted.error() << "\n";
    return 1;
  }
  io.out << *deleted << "\n";
  return 0;
}

}  // namespace gatehouse::tools
