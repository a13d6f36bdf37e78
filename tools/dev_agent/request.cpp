#include "tools/dev_agent/request.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace gatehouse::tools {

std::optional<Request> Request::from_message(Message message) {
  auto parsed = boost::urls::parse_origin_form(message.target());
  if (!parsed) return std::nullopt;
  Request r;
  r.path_ = parsed->path();
  for (const auto& p : parsed->params()) r.params_.emplace_back(p.key, p.value);
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
