#include "tools/intention/command_line.hpp"

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <boost/program_options/variables_map.hpp>
#include <ostream>

#include "tools/option_error.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

constexpr const char* kPositional = "positional-arguments";

}  // namespace

CommandLine::CommandLine(std::string_view usage)
    : usage_(usage), own_("Command Options"), agent_flags_("HTTP API Options") {
  own_.add_options()("help,h", po::bool_switch(&help_), "Show this help.");
  consul::add_agent_flags(agent_flags_);
}

std::optional<int> CommandLine::parse(std::span<const std::string> args, CliIo& io,
                                      int flag_error_exit) {
  po::options_description all;
  all.add(own_).add(agent_flags_);
  all.add_options()(kPositional, po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add(kPositional, -1);
  try {
    auto parsed = po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                      .options(all)
                      .positional(positional)
                      .style(consul::agent_flag_style())
                      .run();
    po::store(parsed, flags_);
    po::notify(flags_);
  } catch (const po::error& e) {
    io.err << option_error_text(e) << "\n\n" << usage();
    return flag_error_exit;
  }
  if (help_) {
    io.out << usage();
    return 0;
  }
  if (const auto it = flags_.find(kPositional); it != flags_.end()) {
    positional_ = it->second.as<std::vector<std::string>>();
  }
  return std::nullopt;
}

std::optional<consul::AgentConfig> CommandLine::agent(CliIo& io) const {
  auto config = consul::AgentConfig::from(flags_, io.env);
  if (!config) {
    io.err << "Error connecting to Consul agent: " << config.error() << "\n";
    return std::nullopt;
  }
  return std::move(*config);
}

std::string CommandLine::usage() const {
  po::options_description flags;
  flags.add(own_).add(agent_flags_);
  return usage_text(usage_, flags);
}

}  // namespace gatehouse::tools
