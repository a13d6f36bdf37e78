#include "tls/spiffe_id.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "common/hex_escape.hpp"

namespace gatehouse::tls {
namespace {

constexpr std::string_view kPrefix = "spiffe://";

// The URI comes from a peer's certificate and ends up in logs: control and non-ASCII bytes are
// shown as \xNN so that a crafted SAN cannot forge log lines.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && c != '\\') {
      out += c;
    } else {
      common::append_hex_escape(out, b);
    }
  }
  return out;
}

std::string not_expected_format(std::string_view uri) {
  return "SPIFFE ID is not in the expected format: " + printable(uri);
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool one_of(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// RFC 3986 pchar without pct-encoded: what may appear raw inside a path segment.
bool is_raw_path_char(char c) { return is_alnum(c) || one_of(c, "-._~!$&'()*+,;=:@"); }

// Go's url.URL.String() leaves these raw in a path; everything else is %XX-encoded. We also
// encode '/' (Go would not), so a segment that contains one stays a single segment.
bool kept_raw_by_encoder(char c) { return is_alnum(c) || one_of(c, "-._~$&+,:;=@"); }

// Trust domains are "<cluster-id>.consul"; a host with anything else in it is not ours.
bool is_host_char(char c) { return is_alnum(c) || one_of(c, "-._"); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ':'.
std::optional<std::string_view> scheme_of(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(uri[0])) return std::nullopt;
  const auto scheme = uri.substr(0, colon);
  for (const char c : scheme) {
    if (!is_alnum(c) && !one_of(c, "+-.")) return std::nullopt;
  }
  return scheme;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool valid_path(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '/' || is_raw_path_char(c)) continue;
    if (c != '%' || i + 2 >= path.size() || hex_value(path[i + 1]) < 0 ||
        hex_value(path[i + 2]) < 0) {
      return false;
    }
    i += 2;
  }
  return true;
}

// Only called on segments that passed valid_path().
std::string percent_decode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%') {
      out += static_cast<char>(hex_value(segment[i + 1]) * 16 + hex_value(segment[i + 2]));
      i += 2;
    } else {
      out += segment[i];
    }
  }
  return out;
}

std::string percent_encode(std::string_view segment) {
  static constexpr std::string_view kUpperHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (const char c : segment) {
    if (kept_raw_by_encoder(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kUpperHex[b >> 4];
      out += kUpperHex[b & 0x0f];
    }
  }
  return out;
}

// "/a/b/c" -> {"a", "b", "c"}; empty segments are kept so that they fail to match.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);  // the leading '/'
  for (;;) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

// Matches `segs` against a pattern where "" marks a variable (non-empty) segment; returns the
// decoded variables in order.
std::optional<std::vector<std::string>> match(std::span<const std::string_view> segs,
                                              std::span<const std::string_view> pattern) {
  if (segs.size() != pattern.size()) return std::nullopt;
  std::vector<std::string> vars;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (pattern[i].empty()) {
      if (segs[i].empty()) return std::nullopt;
      vars.push_back(percent_decode(segs[i]));
    } else if (segs[i] != pattern[i]) {
      return std::nullopt;
    }
  }
  return vars;
}

constexpr std::array<std::string_view, 6> kServicePattern{"ns", "", "dc", "", "svc", ""};
constexpr std::array<std::string_view, 6> kAgentPattern{"agent", "client", "dc", "", "id", ""};
constexpr std::array<std::string_view, 4> kGatewayPattern{"gateway", "mesh", "dc", ""};
constexpr std::array<std::string_view, 4> kServerPattern{"agent", "server", "dc", ""};

// The path forms of agent/connect/uri.go, tried in Consul's order.
std::optional<SpiffeId::Identity> identity_from_path(const std::string& host,
                                                     std::string_view path) {
  const auto all = split_segments(path);
  std::span<const std::string_view> segs{all};
  std::string partition = "default";
  const bool has_partition = segs.size() >= 2 && segs[0] == "ap" && !segs[1].empty();
  if (has_partition) {
    partition = percent_decode(segs[1]);
    segs = segs.subspan(2);
  }
  if (auto v = match(segs, kServicePattern)) {
    return ServiceIdentity{host, partition, (*v)[0], (*v)[1], (*v)[2]};
  }
  if (auto v = match(segs, kAgentPattern)) {
    return AgentIdentity{host, partition, (*v)[0], (*v)[1]};
  }
  if (auto v = match(segs, kGatewayPattern)) {
    return MeshGatewayIdentity{host, partition, (*v)[0]};
  }
  if (has_partition) return std::nullopt;  // servers never carry a partition
  if (auto v = match(segs, kServerPattern)) {
    return ServerIdentity{host, (*v)[0]};
  }
  return std::nullopt;
}

// Consul treats an empty partition as "default" (acl.PartitionOrDefault) and never prints it.
std::string partition_prefix(const std::string& partition) {
  if (partition.empty() || partition == "default") return {};
  return "/ap/" + percent_encode(partition);
}

struct PathPrinter {
  std::string operator()(const ServiceIdentity& id) const {
    return partition_prefix(id.partition) + "/ns/" + percent_encode(id.ns) + "/dc/" +
           percent_encode(id.datacenter) + "/svc/" + percent_encode(id.service);
  }
  std::string operator()(const AgentIdentity& id) const {
    return partition_prefix(id.partition) + "/agent/client/dc/" + percent_encode(id.datacenter) +
           "/id/" + percent_encode(id.node);
  }
  std::string operator()(const ServerIdentity& id) const {
    return "/agent/server/dc/" + percent_encode(id.datacenter);
  }
  std::string operator()(const MeshGatewayIdentity& id) const {
    return partition_prefix(id.partition) + "/gateway/mesh/dc/" + percent_encode(id.datacenter);
  }
  std::string operator()(const SigningIdentity&) const { return {}; }
};

}  // namespace

boost::system::result<SpiffeId, std::string> SpiffeId::parse(std::string_view uri) {
  const auto scheme = scheme_of(uri);
  if (!scheme || !equals_ignore_case(*scheme, "spiffe")) {
    return std::string{"SPIFFE ID must have 'spiffe' scheme"};
  }
  if (!equals_ignore_case(uri.substr(0, kPrefix.size()), kPrefix)) {
    return not_expected_format(uri);
  }
  const auto rest = uri.substr(kPrefix.size());
  const auto slash = rest.find('/');
  const auto host = rest.substr(0, slash);
  const auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (host.empty()) return not_expected_format(uri);
  for (const char c : host) {
    if (!is_host_char(c)) return not_expected_format(uri);
  }
  if (!valid_path(path)) return not_expected_format(uri);

  if (path.empty()) {
    // A bare trust domain names the CA; Consul requires a dot after a non-empty cluster id.
    if (host.find('.') == std::string_view::npos || host.front() == '.') {
      return not_expected_format(uri);
    }
    return SpiffeId{SigningIdentity{std::string{host}}};
  }
  auto identity = identity_from_path(std::string{host}, path);
  if (!identity) return not_expected_format(uri);
  return SpiffeId{std::move(*identity)};
}

SpiffeId SpiffeId::for_service(std::string trust_domain, std::string datacenter,
                               std::string service, std::string ns) {
  return SpiffeId{ServiceIdentity{std::move(trust_domain), "default", std::move(ns),
                                  std::move(datacenter), std::move(service)}};
}

std::string SpiffeId::to_string() const {
  return std::string{kPrefix} + trust_domain() + std::visit(PathPrinter{}, identity_);
}

const std::string& SpiffeId::trust_domain() const {
  return std::visit([](const auto& id) -> const std::string& { return id.trust_domain; },
                    identity_);
}

}  // namespace gatehouse::tls
