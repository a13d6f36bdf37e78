#pragma once
// `gatehouse decisions` flags (single-dash, like the other subcommands). Parsing is pure
// (environment injected): -admin-addr falls back to GATEHOUSE_ADMIN_ADDR.

#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::tools {

enum class DecisionsFormat { text, json };

struct DecisionsOptions {
  proxy::HostPort admin;  // the sidecar's -admin-addr
  bool follow = false;
  std::vector<std::string> outcomes;  // as given (the sidecar checks the names)
  std::string src_service;
  std::string dst_service;
  std::string direction;
  std::optional<std::size_t> limit;
  DecisionsFormat format = DecisionsFormat::text;
  bool help = false;

  // `/decisions?outcome=denied&follow=1`: the request target for these options.
  std::string target() const;
  // `127.0.0.1:19000`, for messages.
  std::string admin_label() const;
};

inline constexpr const char* kAdminAddrEnv = "GATEHOUSE_ADMIN_ADDR";

// Errors are one line for stderr (exit code 1).
boost::system::result<DecisionsOptions, std::string> parse_decisions_options(
    std::span<char* const> args, const consul::EnvGetter& env);

std::string decisions_usage();

}  // namespace gatehouse::tools
