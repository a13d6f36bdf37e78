// `gatehouse intention update -allow|-deny SRC DST` (Consul has no update: it replaces with
// `create -replace`, losing the description).
#include <boost/program_options/value_semantic.hpp>
#include <ostream>

#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kUsage =
    R"usage(Usage: gatehouse intention update -allow|-deny [options] SRC DST

  Change the action of the existing intention from SRC to DST, keeping its
  description and meta. It is an error when there is no such intention.

      $ gatehouse intention update -deny web db
      Updated: web => db (deny)
)usage";

}  // namespace

int run_intention_update(std::span<const std::string> args, CliIo& io) {
  bool allow = false;
  bool deny = false;
  CommandLine cli{kUsage};
  cli.options().add_options()("allow", po::bool_switch(&allow), "Make the intention allow.")(
      "deny", po::bool_switch(&deny), "Make the intention deny.");
  if (auto exit = cli.parse(args, io, 1)) return *exit;

  if (allow && deny) {
    io.err << "Only one of -allow or -deny may be specified.\n";
    return 1;
  }
  if (!allow && !deny) {
    io.err << "Error: one of -allow or -deny must be specified.\n";
    return 1;
  }
  const auto& positional = cli.positional();
  if (positional.size() != 2) {
    io.err << "Error: Must specify two arguments: source and destination\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  const auto updated =
      update_intention_action(*agent, positional[0], positional[1], allow ? "allow" : "deny");
  if (!updated) {
    io.err << updated.error() << "\n";
    return 1;
  }
  io.out << *updated << "\n";
  return 0;
}

}  // namespace gatehouse::tools
