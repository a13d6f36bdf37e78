#pragma once
// `gatehouse probe` flags (single-dash, as every Consul command) and the agent flags/environment.
// Parsing is pure (environment injected).

#include <boost/system/result.hpp>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "tools/probe/expect_policy.hpp"
#include "tools/probe/probe_report.hpp"
#include "tools/probe/probe_request.hpp"

namespace gatehouse::tools {

enum class ProbeFormat { text, json };

// What one probe run tests and how (shared by `gatehouse probe` and `gatehouse demo`).
struct ProbeSettings {
  std::vector<std::string> sources;       // empty: every Connect service in the catalog
  std::vector<std::string> destinations;  // empty: every Connect service in the catalog
  ProbeMode mode = ProbeMode::direct;
  std::chrono::milliseconds settle{1000};
  std::chrono::milliseconds connect_timeout{5000};
  std::optional<ExpectPolicy> expect;
  // -send / -http-get: what proves an allowed pair (nullopt: the settle window does).
  std::optional<ProbeRequest> request;
};

struct ProbeOptions {
  ProbeSettings settings;
  consul::AgentConfig agent;
  ProbeFormat format = ProbeFormat::text;
  std::string junit_file;  // empty: no JUnit output
  bool help = false;
};

// Errors are one line for stderr (exit code 2); a bad -expect file names the file and field.
boost::system::result<ProbeOptions, std::string> parse_probe_options(std::span<char* const> args,
                                                                     const consul::EnvGetter& env);

std::string probe_usage();

}  // namespace gatehouse::tools
