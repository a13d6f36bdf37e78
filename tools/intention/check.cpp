// `gatehouse intention check SRC DST`: Allowed (exit 0), Denied (exit 1), errors exit 2.
#include <ostream>

#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention check [options] SRC DST

  Check whether a connection from SRC to DST would be allowed given the
  current intentions and default policy. It asks the agent; it sends no
  traffic (gatehouse probe does). Prints Allowed (exit 0) or Denied (exit 1);
  any error exits 2.

      $ gatehouse intention check web db
)usage";

constexpr int kErrorExit = 2;

}  // namespace

int run_intention_check(std::span<const std::string> args, CliIo& io) {
  CommandLine cli{kUsage};
  if (auto exit = cli.parse(args, io, kErrorExit)) return *exit;
  const auto& positional = cli.positional();
  if (positional.size() != 2) {
    io.err << "Error: command requires exactly two arguments: src and dst\n";
    return kErrorExit;
  }
  auto agent = cli.agent(io);
  if (!agent) return kErrorExit;
  const auto allowed = check_intention(*agent, positional[0], positional[1]);
  if (!allowed) {
    io.err << allowed.error() << "\n";
    return kErrorExit;
  }
  io.out << (*allowed ? "Allowed" : "Denied") << "\n";
  return *allowed ? 0 : 1;
}

}  // namespace gatehouse::tools
