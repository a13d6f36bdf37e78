#include "tools/dev_agent/dev_agent_options.hpp"

#include <unistd.h>

#include <array>
#include <boost/program_options.hpp>
#include <vector>

#include "tools/option_error.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

using OptionsResult = boost::system::result<DevAgentOptions, std::string>;

OptionsResult fail(std::string reason) {
  return {boost::system::in_place_error, std::move(reason)};
}

constexpr std::string_view kUsage = R"usage(Usage: gatehouse dev-agent [options]

  Runs a development agent that serves the part of Consul's HTTP API a Connect
  sidecar and the intention commands use (catalog, agent services, Connect CA
  and leaf certificates, intentions, authorize), in memory, until SIGINT or
  SIGTERM. It prints the address it listens on as its first line. For tests
  and demos only: nothing is persisted and there is no cluster.
)usage";

po::options_description describe(DevAgentOptions& o, std::string& token) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&o.help), "Show this help.")(
      "http-addr", po::value(&o.http_addr)->default_value(o.http_addr),
      "Address of the HTTP API (port 0 picks a free port).")(
      "datacenter", po::value(&o.datacenter)->default_value(o.datacenter), "Datacenter name.")(
      "node", po::value(&o.node_name), "Node name (default: the host name).")(
      "acl-default-policy", po::value(&o.acl_default_policy)->default_value("allow"),
      "ACL default policy: allow or deny.")(
      "default-intention-policy", po::value(&o.default_intention_policy),
      "Intention default when none matches: allow, deny, or empty to inherit the ACL default.")(
      "acl-token", po::value(&token),
      "Enable ACLs: requests must present this (management) token.")(
      "log-json", po::bool_switch(&o.log_json), "Log JSON lines.")(
      "log-level", po::value(&o.log_level)->default_value(o.log_level),
      "trace, debug, info, warn or error.");
  return d;
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) != 0) return "dev-agent";
  return buf.data();
}

}  // namespace

boost::system::result<DevAgentOptions, std::string> parse_dev_agent_options(
    std::span<char* const> args) {
  DevAgentOptions o;
  std::string token;
  const auto desc = describe(o, token);
  po::variables_map vm;
  try {
    // Consul spells long flags with one dash; --flag works too, like Go's flag package.
    const int style =
        (po::command_line_style::unix_style | po::command_line_style::allow_long_disguise) &
        ~po::command_line_style::allow_guessing;
    // The vector form: unlike (argc, argv) it does not skip a program name.
    auto parsed = po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                      .options(desc)
                      .style(style)
                      .run();
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(option_error_text(e));
  }
  if (o.acl_default_policy != "allow" && o.acl_default_policy != "deny") {
    return fail("-acl-default-policy must be allow or deny, got \"" + o.acl_default_policy + "\"");
  }
  if (!o.default_intention_policy.empty() && o.default_intention_policy != "allow" &&
      o.default_intention_policy != "deny") {
    return fail("-default-intention-policy must be allow, deny or empty, got \"" +
                o.default_intention_policy + "\"");
  }
  if (vm.count("acl-token") != 0U) {
    if (token.empty()) return fail("-acl-token must not be empty");
    o.acl_token = token;
  }
  if (o.node_name.empty()) o.node_name = host_name();
  return o;
}

std::string dev_agent_usage() {
  DevAgentOptions o;
  std::string token;
  // Its -http-addr and -datacenter are the agent's own, not a client's: one group.
  return usage_text(kUsage, describe(o, token), AgentFlags::none);
}

}  // namespace gatehouse::tools
