#pragma once
// `gatehouse dev-agent` flags, spelled like Consul's (single dash, `-flag value` or `-flag=value`).

#include <boost/system/result.hpp>
#include <optional>
#include <span>
#include <string>

namespace gatehouse::tools {

struct DevAgentOptions {
  std::string http_addr = "127.0.0.1:8500";
  std::string datacenter = "dc1";
  std::string acl_default_policy = "allow";       // allow | deny
  std::string default_intention_policy;           // "" (inherit) | allow | deny
  std::optional<std::string> acl_token;           // enables ACLs when set
  bool log_json = false;
  std::string log_level = "info";
  std::string node_name;                          // default: the host name
  bool help = false;
};

// Parses the arguments after `dev-agent`; the error is one line for stderr.
boost::system::result<DevAgentOptions, std::string> parse_dev_agent_options(
    std::span<char* const> args);

std::string dev_agent_usage();

}  // namespace gatehouse::tools
