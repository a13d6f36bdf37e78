#include "tools/proxy/proxy_options.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "tools/duration_flag.hpp"
#include "tools/flag_arguments.hpp"
#include "tools/option_error.hpp"
#include "tools/proxy/config_file.hpp"
#include "tools/proxy/upstream_flag.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

using OptionsResult = boost::system::result<ProxyOptions, std::string>;

// A decision line is a few hundred bytes: this bounds the buffer at a few hundred megabytes.
constexpr std::size_t kMaxDecisionsBuffer = 1'000'000;

OptionsResult fail(std::string reason) {
  return {boost::system::in_place_error, std::move(reason)};
}

struct RawFlags {
  std::string service;
  std::string service_addr;
  std::string listen;
  std::string proxy_id;
  std::string sidecar_for;
  std::vector<std::string> upstreams;
  bool register_self = false;
  std::string register_id;
  std::string handshake_timeout = "10s";
  std::string local_connect_timeout = "1s";
  std::string idle_timeout = "1h";
  std::string drain_timeout = "15s";
  std::string tls_shutdown_timeout = "2s";
  std::string authz_timeout = "2s";
  std::string authz = "agent";
  std::string authz_fail = "closed";
  std::string authz_stale_max = "1h";
  double authz_verify = 0.0;
  std::string admin_addr;
};

constexpr std::string_view kUsage = R"usage(Usage: gatehouse proxy [options]

  Runs a Connect sidecar proxy until SIGINT or SIGTERM, then lets open
  connections finish (-drain-timeout). It accepts mTLS connections for a
  service on -listen, asks whether the intentions allow each caller, and
  forwards the allowed ones to -service-addr; each -upstream is a local
  listener that reaches another service through the mesh. With -sidecar-for
  or -proxy-id the agent's proxy registration supplies all of this, and its
  changes are followed. Every connection is logged as one decision line.
)usage";

po::options_description describe(ProxyOptions& o, RawFlags& f) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&o.help), "Show this help.")(
      "service", po::value(&f.service), "Name of the service this proxy represents.")(
      "service-addr", po::value(&f.service_addr),
      "host:port of the local service that inbound connections are forwarded to.")(
      "listen", po::value(&f.listen),
      "host:port of the public mTLS listener (port 0 picks a free port).")(
      "proxy-id", po::value(&f.proxy_id),
      "ID of a connect-proxy registration on the local agent; its configuration is watched "
      "(env CONNECT_PROXY_ID).")(
      "sidecar-for", po::value(&f.sidecar_for),
      "ID of the service this proxy is a sidecar for; the agent's single sidecar registration "
      "for it configures the proxy (env CONNECT_SIDECAR_FOR).")(
      "upstream", po::value(&f.upstreams),
      "Upstream as name:port or name:host:port (repeatable; host defaults to 127.0.0.1, port 0 "
      "picks a free port).")(
      "register", po::bool_switch(&f.register_self),
      "Self-register with the local agent as <service>-proxy (needs -service and -listen).")(
      "register-id", po::value(&f.register_id),
      "ID suffix for -register: the service ID becomes <service>-proxy-<ID>.")(
      "log-level", po::value(&o.config.log_level)->default_value(o.config.log_level),
      "trace, debug, info, warn or error.")("log-json", po::bool_switch(&o.config.log_json),
                                            "Log JSON lines.")(
      "workers", po::value(&o.config.workers)->default_value(0),
      "Worker threads (0: one per core).")(
      "max-connections",
      po::value(&o.config.max_connections)->default_value(o.config.max_connections),
      "Open connections (inbound and upstream) beyond this are closed at once.")(
      "max-handshakes", po::value(&o.config.max_handshakes)->default_value(o.config.max_handshakes),
      "TLS handshakes in progress at once on the public listener (shared out among the "
      "workers); callers beyond this are closed at once.")(
      "handshake-timeout", duration_value(&f.handshake_timeout),
      "TLS handshake deadline (Consul's handshake_timeout_ms).")(
      "local-connect-timeout", duration_value(&f.local_connect_timeout),
      "Deadline to connect to the local service (Consul's local_connect_timeout_ms).")(
      "idle-timeout", duration_value(&f.idle_timeout),
      "Close a connection with no traffic either way for this long.")(
      "drain-timeout", duration_value(&f.drain_timeout),
      "On SIGTERM/SIGINT, how long open connections may finish.")(
      "tls-shutdown-timeout", duration_value(&f.tls_shutdown_timeout),
      "How long to wait for the peer's close_notify.")(
      "authz-timeout", duration_value(&f.authz_timeout),
      "Deadline of one authorize call to the agent (no answer: denied).")(
      "authz", po::value(&f.authz)->default_value(f.authz),
      "agent: ask the agent about every inbound connection (POST "
      "/v1/agent/connect/authorize). local: watch this service's intentions and decide each "
      "connection in-process with Consul's rules (the no-match default is learned from the "
      "agent).")("authz-fail", po::value(&f.authz_fail)->default_value(f.authz_fail),
                 "When the agent cannot be asked: closed denies; last-known decides from the last "
                 "intentions seen (local) or the caller's last answer (agent), marked "
                 "decision_source=stale, for at most -authz-stale-max.")(
      "authz-stale-max", duration_value(&f.authz_stale_max),
      "How long -authz-fail last-known may decide from what it saw last.")(
      "revoke", po::value(&o.config.authz.revoke)->default_value(true)->implicit_value(true),
      "Watch this service's intentions and close open inbound connections they now deny "
      "(outcome=revoked), within about a second of the change. -revoke=false keeps Consul's "
      "behaviour: a connection is only authorized when it opens.")(
      "authz-verify", po::value(&f.authz_verify)->default_value(f.authz_verify),
      "With -authz local: the share (0 to 1) of decisions also asked of the agent; each "
      "disagreement is logged as event=authz_disagreement.")(
      "admin-addr", po::value(&f.admin_addr),
      "host:port serving GET /ready, /health, /metrics and /decisions (port 0 picks a free "
      "port).")(
      "decisions-buffer",
      po::value(&o.config.decisions_buffer)->default_value(o.config.decisions_buffer),
      "How many recent connection decisions GET /decisions on -admin-addr keeps (0: none, "
      "and no /decisions).")(
      "audit", po::bool_switch(&o.config.audit),
      "Audit mode: let connections the intentions deny through, logged as "
      "outcome=audit_denied, and log revocations (event=revoke_audit) instead of closing "
      "connections. Denials because the agent could not be asked (authz_unavailable) still "
      "close: the audit is about intentions, not outages.")(
      "config-file", po::value<std::string>()->value_name("FILE"),
      "JSON file with the same settings as these flags; flags given on the command line "
      "override the file.")(
      "check-config", po::bool_switch(&o.check_config),
      "Validate the flags and the -config-file, print \"Configuration is valid.\" and exit "
      "(the agent is not contacted).");
  consul::add_agent_flags(d);
  return d;
}

// -service, -service-addr, -listen, -upstream: the whole configuration from flags.
boost::system::result<void, std::string> apply_flags_mode(const RawFlags& f,
                                                          proxy::ProxyConfig& config);

// -authz, -authz-fail, -authz-verify (-authz-stale-max is parsed with the other durations).
boost::system::result<void, std::string> apply_authz_flags(const RawFlags& f,
                                                           proxy::AuthzConfig& authz) {
  if (f.authz == "agent") {
    authz.mode = proxy::AuthzMode::agent;
  } else if (f.authz == "local") {
    authz.mode = proxy::AuthzMode::local;
  } else {
    return "-authz must be agent or local, got \"" + f.authz + "\"";
  }
  if (f.authz_fail == "closed") {
    authz.fail = proxy::AuthzFail::closed;
  } else if (f.authz_fail == "last-known") {
    authz.fail = proxy::AuthzFail::last_known;
  } else {
    return "-authz-fail must be closed or last-known, got \"" + f.authz_fail + "\"";
  }
  // `!(x >= 0)` also refuses NaN.
  if (!(f.authz_verify >= 0.0 && f.authz_verify <= 1.0)) {
    return "-authz-verify must be between 0 and 1, got " + std::to_string(f.authz_verify);
  }
  if (f.authz_verify > 0.0 && authz.mode != proxy::AuthzMode::local) {
    return "-authz-verify needs -authz local (in agent mode every decision is the agent's)";
  }
  authz.verify_rate = f.authz_verify;
  return {};
}

}  // namespace

boost::system::result<proxy::HostPort, std::string> parse_host_port(std::string_view text) {
  using R = boost::system::result<proxy::HostPort, std::string>;
  const auto err = [&](std::string_view why) -> R {
    return R{boost::system::in_place_error,
             "address " + std::string{text} + ": " + std::string{why}};
  };
  // Go's net.SplitHostPort, step by step (net/ipsock.go), including its refusal of stray brackets.
  const auto last_colon = text.rfind(':');
  if (last_colon == std::string_view::npos) return err("missing port in address");
  std::string_view host;
  std::size_t no_open_from = 0;   // no '[' from here on
  std::size_t no_close_from = 0;  // no ']' from here on
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return err("missing ']' in address");
    if (close + 1 == text.size()) return err("missing port in address");
    if (close + 1 != last_colon) {
      return err(text[close + 1] == ':' ? "too many colons in address" : "missing port in address");
    }
    host = text.substr(1, close - 1);
    no_open_from = 1;
    no_close_from = close + 1;
  } else {
    host = text.substr(0, last_colon);
    if (host.find(':') != std::string_view::npos) return err("too many colons in address");
  }
  if (text.find('[', no_open_from) != std::string_view::npos) {
    return err("unexpected '[' in address");
  }
  if (text.find(']', no_close_from) != std::string_view::npos) {
    return err("unexpected ']' in address");
  }
  const std::string_view port = text.substr(last_colon + 1);
  unsigned value = 0;
  const auto* end = port.data() + port.size();
  const auto [ptr, ec] = std::from_chars(port.data(), end, value);
  if (port.empty() || ec != std::errc{} || ptr != end || value > 65535) {
    return err("invalid port \"" + std::string{port} + "\"");
  }
  return proxy::HostPort{std::string{host}, static_cast<std::uint16_t>(value)};
}

boost::system::result<ProxyOptions, std::string> parse_proxy_options(std::span<char* const> args,
                                                                     const consul::EnvGetter& env) {
  ProxyOptions o;
  RawFlags f;
  const auto desc = describe(o, f);
  po::variables_map vm;
  std::optional<ConfigFile> file;
  // Not notified yet: the -config-file's settings are stored after the command line's.
  if (auto error = store_flag_arguments(args, desc, consul::agent_flag_style(), vm, false)) {
    return fail(std::move(*error));
  }
  try {
    if (vm.count("config-file") != 0) {
      auto loaded = load_config_file(vm["config-file"].as<std::string>());
      if (!loaded) return fail(loaded.error());
      file = std::move(*loaded);
      po::store(file->as_parsed_options(desc), vm);  // after the command line: flags win
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(option_error_text(e));
  }
  if (o.help) return o;

  if (f.proxy_id.empty()) f.proxy_id = env("CONNECT_PROXY_ID").value_or("");
  if (f.sidecar_for.empty()) f.sidecar_for = env("CONNECT_SIDECAR_FOR").value_or("");
  // Consul's mode priority: -proxy-id, then -sidecar-for, then -service (flags).
  if (!f.proxy_id.empty()) {
    o.proxy_id = f.proxy_id;
  } else if (!f.sidecar_for.empty()) {
    o.sidecar_for = f.sidecar_for;
  } else if (auto flags = apply_flags_mode(f, o.config); !flags) {
    return fail(flags.error());
  }
  if (f.register_self && !o.config.has_listener) {
    return fail("-register may only be specified with -service and -listen");
  }

  auto& t = o.config.timeouts;
  struct DurationFlag {
    std::string_view flag;
    const std::string* text;
    std::chrono::milliseconds* target;
  };
  const std::array durations{
      DurationFlag{"handshake-timeout", &f.handshake_timeout, &t.handshake},
      DurationFlag{"local-connect-timeout", &f.local_connect_timeout, &t.local_connect},
      DurationFlag{"idle-timeout", &f.idle_timeout, &t.idle},
      DurationFlag{"drain-timeout", &f.drain_timeout, &t.drain},
      DurationFlag{"tls-shutdown-timeout", &f.tls_shutdown_timeout, &t.tls_shutdown},
      DurationFlag{"authz-timeout", &f.authz_timeout, &t.authorize},
      DurationFlag{"authz-stale-max", &f.authz_stale_max, &o.config.authz.stale_max}};
  for (const auto& d : durations) {
    auto parsed = parse_positive_duration_flag(d.flag, *d.text);
    if (!parsed) return fail(parsed.error());
    *d.target = *parsed;
  }
  if (auto authz = apply_authz_flags(f, o.config.authz); !authz) return fail(authz.error());
  if (o.config.max_connections == 0) return fail("-max-connections must be at least 1");
  if (o.config.max_handshakes == 0) return fail("-max-handshakes must be at least 1");
  if (o.config.decisions_buffer > kMaxDecisionsBuffer) {
    return fail("-decisions-buffer must be at most " + std::to_string(kMaxDecisionsBuffer));
  }
  // Consul's default spelling is "INFO"; spdlog's names are lowercase.
  std::transform(o.config.log_level.begin(), o.config.log_level.end(), o.config.log_level.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::string_view, 5> kLevels{"trace", "debug", "info", "warn",
                                                           "error"};
  if (std::ranges::find(kLevels, o.config.log_level) == kLevels.end()) {
    return fail("-log-level must be one of trace, debug, info, warn, error; got \"" +
                o.config.log_level + "\"");
  }

  // Self-registration, the admin endpoint and the file's upstreams (-config-file).
  o.config.register_self = f.register_self;
  o.config.register_id = f.register_id;
  if (!f.admin_addr.empty()) {
    auto admin = parse_host_port(f.admin_addr);
    if (!admin) return fail("-admin-addr: " + admin.error());
    o.config.admin = *admin;
    if (o.config.admin->host.empty()) o.config.admin->host = "0.0.0.0";
  }
  // The file's upstreams, unless -upstream flags replace them (flags mode only: with
  // -sidecar-for/-proxy-id the registration's upstreams apply).
  if (file && file->upstreams && f.upstreams.empty() && o.proxy_id.empty() &&
      o.sidecar_for.empty()) {
    o.config.upstreams = *file->upstreams;
  }

  auto agent = consul::AgentConfig::from(vm, env);
  if (!agent) return fail(agent.error());
  o.agent = std::move(*agent);
  return o;
}

namespace {

boost::system::result<void, std::string> apply_flags_mode(const RawFlags& f,
                                                          proxy::ProxyConfig& config) {
  if (f.service.empty()) {
    return "-service or -proxy-id must be specified so that proxy can configure itself.";
  }
  config.service = f.service;
  auto upstreams = parse_upstream_flags(f.upstreams);
  if (!upstreams) return upstreams.error();
  config.upstreams = std::move(*upstreams);
  // Like Consul, a proxy with upstreams only (a pure client) has no public listener.
  if (f.listen.empty()) return {};
  auto listen = parse_host_port(f.listen);
  if (!listen) return listen.error();
  if (f.service_addr.empty()) {
    return "-service-addr must be specified with -listen so the proxy knows the backend service "
           "address.";
  }
  auto app = parse_host_port(f.service_addr);
  if (!app) return "-service-addr: " + app.error();
  if (app->host.empty() || app->port == 0) {
    return "-service-addr: expected host:port of the local service, got \"" + f.service_addr + "\"";
  }
  config.listen = *listen;
  if (config.listen.host.empty()) config.listen.host = "0.0.0.0";  // Go: all interfaces
  config.local_app = *app;
  config.has_listener = true;
  return {};
}

}  // namespace

std::string proxy_usage() {
  ProxyOptions o;
  RawFlags f;
  return usage_text(kUsage, describe(o, f));
}

}  // namespace gatehouse::tools
