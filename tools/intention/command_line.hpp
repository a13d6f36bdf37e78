#pragma once
// The flag handling every `gatehouse intention` subcommand shares: its own flags plus the agent
// flags (-http-addr, -token, ... as everywhere), Consul's single-dash style, positional
// arguments collected in order, -h printing the usage (usage_text: as `consul intention` does).
//
//   CommandLine cli{kUsage};
//   if (auto exit = cli.parse(args, io, 2)) return *exit;   // -h, or a flag error
//   auto agent = cli.agent(io);                              // flags + CONSUL_* environment

#include <boost/program_options/options_description.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consul/agent_config.hpp"
#include "tools/intention/cli_io.hpp"

namespace gatehouse::tools {

class CommandLine {
 public:
  // `usage` is the text before the options list (`Usage: gatehouse intention check [options] SRC
  // DST` and a short description).
  explicit CommandLine(std::string_view usage);

  // Add the subcommand's own flags here before parse().
  boost::program_options::options_description& options() { return own_; }

  // nullopt: go on. Otherwise the exit code: 0 after printing the usage for -h/-help, or
  // `flag_error_exit` after printing the flag error and the usage on stderr.
  std::optional<int> parse(std::span<const std::string> args, CliIo& io, int flag_error_exit);

  const std::vector<std::string>& positional() const { return positional_; }

  // The agent address and credentials from the flags and the environment; on a bad value prints
  // `Error connecting to Consul agent: <why>` (Consul's text) and returns nullopt.
  std::optional<consul::AgentConfig> agent(CliIo& io) const;

  std::string usage() const;

 private:
  std::string usage_;
  bool help_ = false;
  boost::program_options::options_description own_;
  boost::program_options::options_description agent_flags_;
  boost::program_options::variables_map flags_;
  std::vector<std::string> positional_;
};

}  // namespace gatehouse::tools
