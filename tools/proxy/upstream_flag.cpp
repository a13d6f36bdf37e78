#include "tools/proxy/upstream_flag.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace gatehouse::tools {
namespace {

using UpstreamResult = boost::system::result<proxy::UpstreamConfig, std::string>;

UpstreamResult flag_error(std::string_view value, std::string_view reason) {
  return {boost::system::in_place_error, "invalid value \"" + std::string{value} +
                                             "\" for flag -upstream: " + std::string{reason}};
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower >= 'a' && lower <= 'z') return lower - 'a' + 10;
  return 99;
}

// Go's underscoreOK: `_` only between digits (a base prefix counts as a digit).
bool underscores_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (std::tolower(static_cast<unsigned char>(s[1])) == 'x' ||
       std::tolower(static_cast<unsigned char>(s[1])) == 'o' ||
       std::tolower(static_cast<unsigned char>(s[1])) == 'b')) {
    hex = std::tolower(static_cast<unsigned char>(s[1])) == 'x';
    i = 2;
    saw = '0';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
        (hex && std::isxdigit(static_cast<unsigned char>(c)) != 0)) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

}  // namespace

boost::system::result<long long, std::string> parse_go_int(std::string_view text) {
  using R = boost::system::result<long long, std::string>;
  const auto error = [&](std::string_view why) -> R {
    return R{boost::system::in_place_error,
             "strconv.ParseInt: parsing \"" + std::string{text} + "\": " + std::string{why}};
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return error("invalid syntax");
  int base = 10;
  if (s[0] == '0') {
    const char p =
        s.size() >= 2 ? static_cast<char>(std::tolower(static_cast<unsigned char>(s[1]))) : '\0';
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
      if (s.empty()) return 0LL;  // "0"
    }
    if (s.empty()) return error("invalid syntax");
  }
  unsigned long long value = 0;
  bool overflow = false;
  for (const char c : s) {
    if (c == '_') continue;  // placement checked below
    const int d = digit_value(c);
    if (d >= base) return error("invalid syntax");
    if (value > (std::numeric_limits<unsigned long long>::max() - static_cast<unsigned>(d)) /
                    static_cast<unsigned>(base)) {
      overflow = true;
    } else {
      value = value * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    }
  }
  if (!underscores_ok(text)) return error("invalid syntax");
  const auto limit = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
  if (overflow || value > limit + (negative ? 1U : 0U)) return error("value out of range");
  if (negative)
    return value == limit + 1 ? std::numeric_limits<long long>::min()
                              : -static_cast<long long>(value);
  return static_cast<long long>(value);
}

boost::system::result<proxy::UpstreamConfig, std::string> parse_upstream_flag(
    std::string_view value) {
  const auto colon = value.find(':');
  if (colon == std::string_view::npos) {
    return flag_error(value,
                      "Upstream value should be name:addr in \"" + std::string{value} + "\"");
  }
  std::string_view name = value.substr(0, colon);
  std::string_view port_text = value.substr(colon + 1);
  std::string_view host;
  if (const auto second = port_text.find(':'); second != std::string_view::npos) {
    host = port_text.substr(0, second);
    port_text = port_text.substr(second + 1);
  }
  if (const auto dot = name.find('.'); dot != std::string_view::npos) {
    const auto type = name.substr(dot + 1);
    name = name.substr(0, dot);
    if (type == "query") {
      return flag_error(value, "prepared query upstreams are not supported");
    }
    if (!type.empty() && type != "service") {
      return flag_error(value, "Upstream type must be blank, 'service', or 'query'. Got: \"" +
                                   std::string{type} + "\"");
    }
  }
  auto port = parse_go_int(port_text);
  if (!port) return flag_error(value, port.error());
  // Consul leaves these to the bind; refusing them here names the flag instead.
  if (*port < 0 || *port > 65535) {
    return flag_error(value, "port " + std::to_string(*port) + " out of range 0-65535");
  }
  if (name.empty()) return flag_error(value, "missing upstream service name");
  proxy::UpstreamConfig upstream;
  upstream.destination_name = std::string{name};
  // Consul's UpstreamConfig default for an empty LocalBindAddress.
  upstream.bind.host = host.empty() ? std::string{"127.0.0.1"} : std::string{host};
  upstream.bind.port = static_cast<std::uint16_t>(*port);
  return upstream;
}

boost::system::result<std::vector<proxy::UpstreamConfig>, std::string> parse_upstream_flags(
    const std::vector<std::string>& values) {
  std::vector<proxy::UpstreamConfig> upstreams;
  for (const auto& value : values) {
    auto parsed = parse_upstream_flag(value);
    if (!parsed) return {boost::system::in_place_error, parsed.error()};
    const auto same = std::ranges::find(upstreams, parsed->destination_name,
                                        &proxy::UpstreamConfig::destination_name);
    if (same != upstreams.end()) {
      *same = std::move(*parsed);
    } else {
      upstreams.push_back(std::move(*parsed));
    }
  }
  return upstreams;
}

}  // namespace gatehouse::tools
