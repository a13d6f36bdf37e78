// `gatehouse intention create [-allow|-deny] [-replace] [-meta k=v]... [-description TEXT] SRC DST`
// and `create -file F...`.
#include <boost/program_options/value_semantic.hpp>
#include <map>
#include <ostream>
#include <vector>

#include "tools/intention/command_line.hpp"
#include "tools/intention/intention_commands.hpp"
#include "tools/intention/intention_file.hpp"
#include "tools/intention/intention_ops.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kUsage = R"usage(Usage: gatehouse intention create [options] SRC DST
Usage: gatehouse intention create [options] -file FILE...

  Create one or more intentions, as a single source and destination pair or
  from JSON intention files when -file is given ("-" reads stdin, once):

      $ gatehouse intention create web db
      $ gatehouse intention create -deny -description "no direct access" web db
      $ gatehouse intention create -file web-db.json api-db.json

  An "allow" intention is created by default; -deny creates a "deny" one.
  An existing intention for the same pair is an error; -replace replaces it
  (its description and other fields are not kept). SRC and DST are a service
  name, "*", or namespace/name. Output: "Created: web => db (allow)".
)usage";

using IntentionsOrError = boost::system::result<std::vector<consul::Intention>, std::string>;

// `-meta key=value` pairs; the error is Go's flag text for FlagMapValue.
boost::system::result<std::map<std::string, std::string>, std::string> parse_meta(
    const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> meta;
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) {
      return {boost::system::in_place_error, "invalid value \"" + pair +
                                                 "\" for flag -meta: Missing \"=\" value in "
                                                 "argument: " +
                                                 pair};
    }
    meta[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return meta;
}

IntentionsOrError from_arguments(const std::vector<std::string>& args, bool deny,
                                 std::string description, std::map<std::string, std::string> meta) {
  if (args.size() != 2) {
    return {boost::system::in_place_error, "Must specify two arguments: source and destination"};
  }
  auto ixn = make_intention(args[0], args[1], deny ? consul::kActionDeny : consul::kActionAllow,
                            std::move(description));
  if (!ixn) return {boost::system::in_place_error, ixn.error()};
  ixn->meta = std::move(meta);
  return std::vector<consul::Intention>{std::move(*ixn)};
}

}  // namespace

int run_intention_create(std::span<const std::string> args, CliIo& io) {
  bool allow = false;
  bool deny = false;
  bool file = false;
  bool replace = false;
  std::vector<std::string> meta_pairs;
  std::string description;
  CommandLine cli{kUsage};
  cli.options().add_options()("allow", po::bool_switch(&allow),
                              "Create an intention that allows when matched.")(
      "deny", po::bool_switch(&deny), "Create an intention that denies when matched.")(
      "file", po::bool_switch(&file), "Read intention data from one or more files.")(
      "replace", po::bool_switch(&replace), "Replace matching intentions.")(
      "meta", po::value(&meta_pairs)->value_name("KEY=VALUE"),
      "Metadata as key=value (repeatable). Written to the destination's service-intentions "
      "config entry, which every intention to DST shares.")(
      "description", po::value(&description)->value_name("TEXT"), "Description of the intention.");
  if (auto exit = cli.parse(args, io, 1)) return *exit;

  if (allow && deny) {
    io.err << "Only one of -allow or -deny may be specified.\n";
    return 1;
  }
  auto meta = parse_meta(meta_pairs);
  if (!meta) {
    io.err << meta.error() << "\n\n" << cli.usage();
    return 1;
  }
  auto intentions = file ? read_intention_files(cli.positional(), io.in)
                         : from_arguments(cli.positional(), deny, description, std::move(*meta));
  if (!intentions) {
    io.err << "Error: " << intentions.error() << "\n";
    return 1;
  }
  auto agent = cli.agent(io);
  if (!agent) return 1;
  for (auto& ixn : *intentions) {
    const auto created = create_intention(*agent, std::move(ixn), replace);
    if (!created) {
      io.err << created.error() << "\n";
      return 1;
    }
    io.out << *created << "\n";
  }
  return 0;
}

}  // namespace gatehouse::tools
