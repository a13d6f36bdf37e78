#include "tools/probe/probe_options.hpp"

#include <algorithm>
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
  std::optional<std::string> send;
  std::optional<std::string> http_get;
  std::optional<std::string> expect_reply;
  std::optional<int> expect_status;
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
      "settle", duration_value(&f.settle),
      "How long an open, silent connection must stay open to count as allowed; with -send or "
      "-http-get, how long to wait for the app's reply.")(
      "connect-timeout", duration_value(&f.connect_timeout),
      "Deadline of the TCP connect plus TLS handshake to a destination.")(
      "via-upstream", po::bool_switch(&f.via_upstream),
      "Connect through the source sidecar's upstream listener for the destination instead of "
      "directly to the destination's sidecar.")(
      "send", po::value<std::string>()->notifier([&f](const std::string& v) { f.send = v; }),
      "Text to send once the connection is through (\\n, \\r, \\t and \\\\ are decoded). "
      "A reply proves the pair allowed at once; an app that does not answer within -settle is "
      "reported as no-reply.")(
      "expect-reply",
      po::value<std::string>()->notifier([&f](const std::string& v) { f.expect_reply = v; }),
      "With -send or -http-get: a regular expression (ECMAScript) the reply (the response body "
      "for -http-get) must contain; otherwise the pair is unexpected-reply.")(
      "http-get",
      po::value<std::string>()->notifier([&f](const std::string& v) { f.http_get = v; }),
      "Send an HTTP/1.1 GET for this path (Host: the destination's name, Connection: close) and "
      "read the response's status and first bytes. Any response proves the pair allowed, unless "
      "-expect-status or -expect-reply says otherwise.")(
      "expect-status", po::value<int>()->notifier([&f](int v) { f.expect_status = v; }),
      "With -http-get: the status the response must have (e.g. 200); otherwise the pair is "
      "unexpected-reply.");
  consul::add_agent_flags(d);
  return d;
}

// -send / -http-get and their expectations; nullopt without either.
boost::system::result<std::optional<ProbeRequest>, std::string> request_from(const RawFlags& f) {
  if (f.send && f.http_get) return Failure{"-send and -http-get cannot be used together"};
  if (!f.send && !f.http_get) {
    if (f.expect_reply) return Failure{"-expect-reply needs -send or -http-get"};
    if (f.expect_status) return Failure{"-expect-status needs -http-get"};
    return std::optional<ProbeRequest>{};
  }
  ProbeRequest request;
  if (f.send) {
    if (f.expect_status) return Failure{"-expect-status needs -http-get, not -send"};
    auto text = decode_send_text(*f.send);
    if (!text) return Failure{text.error()};
    request.kind = ProbeRequest::Kind::send;
    request.payload = std::move(*text);
  } else {
    if (!f.http_get->starts_with('/')) {
      return Failure{"-http-get takes a path starting with /, got \"" + *f.http_get + "\""};
    }
    // Beast writes the target into the request line as it is: no byte a request line cannot hold.
    if (std::ranges::any_of(*f.http_get, [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte <= 0x20 || byte == 0x7f;
        })) {
      return Failure{"-http-get: the path must not contain spaces, line breaks or control bytes"};
    }
    request.kind = ProbeRequest::Kind::http_get;
    request.payload = *f.http_get;
    if (f.expect_status && (*f.expect_status < 100 || *f.expect_status > 999)) {
      return Failure{"-expect-status must be an HTTP status from 100 to 999, got " +
                     std::to_string(*f.expect_status)};
    }
    if (f.expect_status) request.expect_status = static_cast<unsigned>(*f.expect_status);
  }
  if (f.expect_reply) {
    auto regex = compile_expect_reply(*f.expect_reply);
    if (!regex) return Failure{regex.error()};
    request.expect_reply = std::move(*regex);
    request.expect_reply_text = *f.expect_reply;
  }
  return std::optional<ProbeRequest>{std::move(request)};
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
  auto request = request_from(f);
  if (!request) return Failure{request.error()};
  o.settings.request = std::move(*request);
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
