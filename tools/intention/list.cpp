// `gatehouse intention list [-format table|json]`.
#include <boost/program_options/value_semantic.hpp>
#include <ostream>

#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_ops.hpp"
#include "tools/intention/intention_table.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention list [options]

  List all intentions. Exit code 2 with "There are no intentions." on stderr
  when there are none (table format).

      $ gatehouse intention list
      $ gatehouse intention list -format json
)usage";

}  // namespace

int run_intention_list(std::span<const std::string> args, CliIo& io) {
  std::string format = "table";
  CommandLine cli{kUsage};
  cli.options().add_options()("format", po::value(&format)->value_name("table|json"),
                              "Output format: table (default) or json (the API's array).");
  if (auto exit = cli.parse(args, io, 1)) return *exit;
  if (format != "table" && format != "json") {
    io.err << "Error: -format must be table or json, got \"" << format << "\"\n";
    return 1;
  }
  if (!cli.positional().empty()) {
    io.err << "Error: list takes no arguments, got " << cli.positional().size() << "\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  const auto intentions = list_intentions(*agent);
  if (!intentions) {
    io.err << intentions.error() << "\n";
    return 1;
  }
  if (format == "json") {
    io.out << format_intention_json(*intentions);
    return 0;
  }
  if (intentions->empty()) {
    io.err << "There are no intentions.\n";
    return 2;
  }
  io.out << format_intention_table(*intentions);
  return 0;
}

}  // namespace gatehouse::tools
