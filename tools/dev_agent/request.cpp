#include "tools/dev_agent/request.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "tools/utf8.hpp"

namespace gatehouse::tools {
namespace {

// Go's url.Parse keeps raw bytes >= 0x80 in a path or query; Boost.URL wants them percent-encoded.
// Encoding them first decodes back to the very same bytes. boost::urls::encode cannot do this: it
// would have to leave `%` as it is, and it asserts that `%` is always encoded.
std::string encode_non_ascii(std::string_view target) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(target.size());
  for (const char c : target) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80U) {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4U];
      out += kHex[b & 0xFU];
    }
  }
  return out;
}

boost::system::result<boost::urls::url_view> parse_target(std::string_view target) {
  if (target.starts_with('/')) return boost::urls::parse_origin_form(target);
  return boost::urls::parse_absolute_uri(target);
}

}  // namespace

std::optional<Request> Request::from_message(Message message) {
  Request r;
  if (message.target() != "*") {
    const std::string target = encode_non_ascii(message.target());
    auto parsed = parse_target(target);
    if (!parsed) return std::nullopt;
    r.path_ = parsed->path();
    r.escaped_path_ = parsed->encoded_path();
    r.raw_query_ = parsed->encoded_query();
    for (const auto& p : parsed->params()) r.params_.emplace_back(p.key, p.value);
  }
  if (!is_valid_utf8(message.body())) message.body() = replace_invalid_utf8(message.body());
  r.message_ = std::move(message);
  return r;
}

std::string_view Request::header(std::string_view name) const {
  auto it = message_.find(name);
  if (it == message_.end()) return {};
  return it->value();
}

std::optional<std::string> Request::query(std::string_view key) const {
  for (const auto& [k, v] : params_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> Request::query_all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : params_) {
    if (k == key) out.push_back(v);
  }
  return out;
}

std::optional<std::string> Request::token() const {
  if (auto t = query("token"); t && !t->empty()) return t;
  if (auto h = header("X-Consul-Token"); !h.empty()) return std::string{h};
  constexpr std::string_view kBearer = "Bearer ";
  if (auto h = header("Authorization"); h.starts_with(kBearer)) {
    return std::string{h.substr(kBearer.size())};
  }
  return std::nullopt;
}

std::string Request::path_suffix(std::string_view prefix) const {
  if (!std::string_view{path_}.starts_with(prefix)) return {};
  return path_.substr(prefix.size());
}

}  // namespace gatehouse::tools
