#pragma once
// A command's help as every `consul` command prints it (hashicorp/consul command/flags/usage.go):
// the usage text as written, then its flags in two groups, "HTTP API Options" (the agent flags of
// consul::add_agent_flags) and "Command Options", each sorted by name as Go's flag.VisitAll
// visits them:
//
//   Usage: gatehouse probe [options]
//
//     Connects from each source to each destination ...
//
//   HTTP API Options
//
//     -ca-file=<value>
//        Path to a CA file to use for TLS when communicating with Consul.
//
//   Command Options
//
//     -via-upstream
//        Connect through the source sidecar's upstream listener ...
//
// A flag that takes a value shows `=<name>`: its value_name() when that is one lowercase word,
// else its type as Go's flag.UnquoteUsage names it (string, int, uint, float; value for the
// rest, such as repeatable flags); a flag without a value (a switch, a bool) shows its name
// alone. The description is wrapped at 72 columns behind five spaces (consul's wrapAtLength).
// Beyond consul's rules, so that examples survive: in a description a blank line separates
// paragraphs, a line that starts with a space is an example and is kept as written, and a
// default value (default_value()) is stated at the end, as consul's own texts state theirs by
// hand. The -h/-help option is not listed: consul's CLI handles it and does not list it either.

#include <boost/program_options/options_description.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::tools {

// Whether a command's -http-addr, -token, ... are the agent client's (consul::add_agent_flags),
// listed apart as "HTTP API Options"; the dev agent's own -http-addr and -datacenter are not.
enum class AgentFlags { http_api_options, none };

std::string usage_text(std::string_view usage,
                       const boost::program_options::options_description& flags,
                       AgentFlags agent_flags = AgentFlags::http_api_options);

// One flag's entry: `  -name=<value>` and its description below, without the blank line after.
std::string flag_entry(const boost::program_options::option_description& flag);

struct CommandSynopsis {
  std::string_view name;
  std::string_view synopsis;
};

// `    name    synopsis` lines, the names padded to the longest, in the order given: the command
// lists of `consul -h` and of a command with subcommands (mitchellh/cli's BasicHelpFunc).
std::string command_list(std::span<const CommandSynopsis> commands);

}  // namespace gatehouse::tools
