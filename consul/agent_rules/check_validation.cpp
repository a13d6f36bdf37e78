#include "consul/agent_rules/check_validation.hpp"

#include <chrono>

#include "consul/go_duration.hpp"

namespace gatehouse::consul {

namespace {

// Go's time.ParseDuration error for `text`, or the parsed duration (0 when empty).
std::optional<std::string> parse_duration(const std::string& text, std::chrono::nanoseconds& out) {
  out = std::chrono::nanoseconds{0};
  if (text.empty()) return std::nullopt;
  auto d = parse_go_duration(text);
  if (!d) return "time: invalid duration \"" + text + "\"";
  out = *d;
  return std::nullopt;
}

bool valid_status(const std::string& s) {
  return s == "passing" || s == "warning" || s == "critical";
}

constexpr const char* kStatusError = "Status for checks must 'passing', 'warning', 'critical'";

}  // namespace

std::optional<std::string> validate_check_type(const AgentServiceCheck& c) {
  std::chrono::nanoseconds interval{};
  std::chrono::nanoseconds ttl{};
  if (auto e = parse_duration(c.interval, interval)) return e;
  if (auto e = parse_duration(c.ttl, ttl)) return e;
  const bool interval_check = !c.script_args.empty() || !c.http.empty() || !c.tcp.empty() ||
                              !c.udp.empty() || !c.grpc.empty() || !c.h2ping.empty() ||
                              !c.os_service.empty();
  const bool alias = !c.alias_node.empty() || !c.alias_service.empty();
  const auto zero = std::chrono::nanoseconds{0};
  if (interval > zero && ttl > zero) return "Interval and TTL cannot both be specified";
  if (interval_check && interval <= zero) {
    return "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks";
  }
  if (interval_check && alias) return "Interval cannot be set for Alias checks";
  if (alias && ttl > zero) return "TTL must be not be set for Alias checks";
  if (!interval_check && !alias && ttl <= zero) return "TTL must be > 0 for TTL checks";
  if (c.output_max_size < 0) return "MaxOutputMaxSize must be positive";
  if (c.failures_before_warning > c.failures_before_critical) {
    return "FailuresBeforeWarning can't be higher than FailuresBeforeCritical";
  }
  return std::nullopt;
}

std::vector<AgentServiceCheck> registered_checks(const AgentServiceRegistration& reg) {
  std::vector<AgentServiceCheck> out;
  if (reg.check && *reg.check != AgentServiceCheck{}) out.push_back(*reg.check);
  out.insert(out.end(), reg.checks.begin(), reg.checks.end());
  return out;
}

std::optional<std::string> check_registration_error(const AgentServiceRegistration& reg) {
  const auto checks = registered_checks(reg);
  for (const auto& c : checks) {
    if (auto e = validate_check_type(c)) return "Invalid check: " + *e;
  }
  for (const auto& c : checks) {
    if (!c.status.empty() && !valid_status(c.status)) return kStatusError;
  }
  if (reg.connect && reg.connect->sidecar_service) {
    const auto sidecar_checks = registered_checks(*reg.connect->sidecar_service);
    for (const auto& c : sidecar_checks) {
      if (auto e = validate_check_type(c)) return "Invalid check in sidecar_service: " + *e;
    }
    for (const auto& c : sidecar_checks) {
      if (!c.status.empty() && !valid_status(c.status)) return kStatusError;
    }
  }
  return std::nullopt;
}

}  // namespace gatehouse::consul
