#include "tools/decisions/decisions_options.hpp"

#include <boost/program_options.hpp>
#include <cctype>

#include "consul/failure.hpp"
#include "tools/decisions/decisions_client.hpp"
#include "tools/flag_arguments.hpp"
#include "tools/proxy/proxy_options.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;
using consul::Failure;

namespace {

struct RawFlags {
  std::string admin_addr;
  std::string format = "text";
  std::optional<std::size_t> limit;
};

constexpr std::string_view kUsage = R"usage(Usage: gatehouse decisions -admin-addr ADDR [options]

  Prints a sidecar's recent connection decisions (GET /decisions on its
  -admin-addr), oldest first; with -follow, keeps printing new ones as they
  happen. Exit 0: done; 1: the admin address cannot be reached or answered
  an error.
)usage";

po::options_description describe(DecisionsOptions& o, RawFlags& f) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&o.help), "Show this help.")(
      "admin-addr", po::value(&f.admin_addr),
      "host:port of the sidecar's -admin-addr (env GATEHOUSE_ADMIN_ADDR).")(
      "follow", po::bool_switch(&o.follow), "Keep the stream open and print new decisions.")(
      "outcome", po::value(&o.outcomes),
      "Only these outcomes: accepted, denied, failed, revoked, audit_denied (repeatable or a "
      "comma list).")("src-service", po::value(&o.src_service), "Only callers of this service.")(
      "dst-service", po::value(&o.dst_service), "Only connections to this service.")(
      "direction", po::value(&o.direction), "Only inbound or outbound connections.")(
      "limit", po::value<std::size_t>()->notifier([&f](std::size_t n) { f.limit = n; }),
      "Only the last N buffered decisions (after the other filters).")(
      "format", po::value(&f.format)->default_value(f.format),
      "text (one readable line per decision) or json (the lines as received).");
  return d;
}

// Unreserved characters stay, everything else is %XX (RFC 3986 section 2.3).
std::string query_escape(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4U]);
      out.push_back(kHex[u & 0xfU]);
    }
  }
  return out;
}

}  // namespace

std::string DecisionsOptions::target() const {
  std::string query;
  const auto add = [&query](std::string_view key, std::string_view value) {
    query += query.empty() ? '?' : '&';
    query += key;
    query += '=';
    query += query_escape(value);
  };
  for (const auto& outcome : outcomes) add("outcome", outcome);
  if (!src_service.empty()) add("src_service", src_service);
  if (!dst_service.empty()) add("dst_service", dst_service);
  if (!direction.empty()) add("direction", direction);
  if (limit) add("limit", std::to_string(*limit));
  if (follow) add("follow", "1");
  return "/decisions" + query;
}

std::string DecisionsOptions::admin_label() const { return tools::admin_label(admin); }

boost::system::result<DecisionsOptions, std::string> parse_decisions_options(
    std::span<char* const> args, const consul::EnvGetter& env) {
  DecisionsOptions o;
  RawFlags f;
  const auto desc = describe(o, f);
  po::variables_map vm;
  if (auto error = store_flag_arguments(args, desc, consul::agent_flag_style(), vm)) {
    return Failure{std::move(*error)};
  }
  if (o.help) return o;

  if (f.format == "text") {
    o.format = DecisionsFormat::text;
  } else if (f.format == "json") {
    o.format = DecisionsFormat::json;
  } else {
    return Failure{"-format must be text or json, got \"" + f.format + "\""};
  }
  o.limit = f.limit;
  std::string addr = f.admin_addr;
  if (addr.empty()) addr = env(kAdminAddrEnv).value_or(std::string{});
  if (addr.empty()) {
    return Failure{"-admin-addr (or GATEHOUSE_ADMIN_ADDR) must name the sidecar's admin address"};
  }
  // The sidecar logs it as addr=<ip>:<port>; a URL copied from a browser works too.
  if (addr.starts_with("http://")) addr.erase(0, std::string_view{"http://"}.size());
  if (addr.ends_with('/')) addr.pop_back();
  auto admin = parse_host_port(addr);
  if (!admin) return Failure{"-admin-addr: " + admin.error()};
  o.admin = *admin;
  if (o.admin.host.empty()) o.admin.host = "127.0.0.1";
  if (o.admin.port == 0) return Failure{"-admin-addr: port 0 is not a sidecar's admin port"};
  return o;
}

std::string decisions_usage() {
  DecisionsOptions o;
  RawFlags f;
  return usage_text(kUsage, describe(o, f));
}

}  // namespace gatehouse::tools
