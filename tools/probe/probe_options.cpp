#include "tools/probe/probe_options.hpp"

#include <boost/program_options.hpp>

#include "consul/failure.hpp"
#include "tools/duration_flag.hpp"
#include "tools/flag_arguments.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;
using consul::Failure;

namespace {

struct RawFlags {
  std::string format = "text";
  // Longer than the sidecar's default -authz-timeout (2s): a deny that waits for a slow agent must
  // still arrive inside the window, or it would be taken for an allowed, silent connection.
  std::string settle = "3s";
  std::string connect_timeout = "5s";
  std::string expect_file;
  bool via_upstream = false;
};

constexpr std::string_view kUsage = R"usage(Usage: gatehouse probe [options]

  Connects from each source to each destination over real mTLS (with the
  source's certificate from the agent), compares what happened with what the
  intentions say, and prints a matrix. Exit 0: every pair matches; 1: a
  mismatch; 2: an error.
)usage";

po::options_description describe(ProbeOptions& o, RawFlags& f) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&o.help), "Show this help.")(
      "source", po::value(&o.settings.sources),
      "Source service (repeatable). Default: every Connect service in the catalog.")(
      "destination", po::value(&o.settings.destinations),
      "Destination service (repeatable). Default: every Connect service in the catalog.")(
      "expect", po::value(&f.expect_file),
      "JSON file of pairs that must be allowed or denied: "
      "{\"allow\":[[\"web\",\"db\"]],\"deny\":[[\"api\",\"db\"]]}.")(
      "format", po::value(&f.format)->default_value(f.format), "Output format: text or json.")(
      "junit", po::value(&o.junit_file), "Also write a JUnit XML report to this file.")(
      "settle", po::value(&f.settle)->default_value(f.settle),
      "How long an open, silent connection must stay open to count as allowed.")(
      "connect-timeout", po::value(&f.connect_timeout)->default_value(f.connect_timeout),
      "Deadline of the TCP connect plus TLS handshake to a destination.")(
      "via-upstream", po::bool_switch(&f.via_upstream),
      "Connect through the source sidecar's upstream listener for the destination instead of "
      "directly to the destination's sidecar.");
  consul::add_agent_flags(d);
  return d;
}

}  // namespace

boost::system::result<ProbeOptions, std::string> parse_probe_options(std::span<char* const> args,
                                                                     const consul::EnvGetter& env) {
  ProbeOptions o;
  RawFlags f;
  const auto desc = describe(o, f);
  po::variables_map vm;
  if (auto error = store_flag_arguments(args, desc, consul::agent_flag_style(), vm)) {
    return Failure{std::move(*error)};
  }
  if (o.help) return o;

  if (f.format == "text") {
    o.format = ProbeFormat::text;
  } else if (f.format == "json") {
    o.format = ProbeFormat::json;
  } else {
    return Failure{"-format must be text or json, got \"" + f.format + "\""};
  }
  for (const auto* list : {&o.settings.sources, &o.settings.destinations}) {
    for (const auto& name : *list) {
      if (name.empty() || name == "*") {
        return Failure{"-source and -destination take a service name, got \"" + name + "\""};
      }
    }
  }
  auto settle = parse_positive_duration_flag("settle", f.settle);
  if (!settle) return Failure{settle.error()};
  o.settings.settle = *settle;
  auto connect = parse_positive_duration_flag("connect-timeout", f.connect_timeout);
  if (!connect) return Failure{connect.error()};
  o.settings.connect_timeout = *connect;
  o.settings.mode = f.via_upstream ? ProbeMode::via_upstream : ProbeMode::direct;
  if (!f.expect_file.empty()) {
    auto policy = ExpectPolicy::load(f.expect_file);
    if (!policy) return Failure{"-expect: " + policy.error()};
    o.settings.expect = std::move(*policy);
  }
  auto agent = consul::AgentConfig::from(vm, env);
  if (!agent) return Failure{agent.error()};
  o.agent = std::move(*agent);
  return o;
}

std::string probe_usage() {
  ProbeOptions o;
  RawFlags f;
  return usage_text(kUsage, describe(o, f));
}

}  // namespace gatehouse::tools
