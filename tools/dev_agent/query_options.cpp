#include "tools/dev_agent/query_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include "consul/go_duration.hpp"
#include "consul/go_quote.hpp"

namespace gatehouse::tools {
namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Go's strconv.Atoi: optional sign, decimal digits, nothing else.
bool is_go_int(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  long long value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

// agent/http.go parseConsistency. The agent cache is on by default (http_config.use_cache), so
// `?cached` always counts.
std::optional<HttpError> check_consistency(const Request& request) {
  bool stale = request.has_query("stale");
  const bool consistent = request.has_query("consistent");
  const bool cached = request.has_query("cached");
  if (auto max_stale = request.query("max_stale"); max_stale && !max_stale->empty()) {
    auto d = consul::parse_go_duration(*max_stale);
    if (!d) return HttpError::bad_request("Invalid max_stale value " + consul::go_quote(*max_stale));
    if (d->count() > 0) stale = true;
  }
  if (stale && consistent) {
    return HttpError::bad_request("Cannot specify ?stale with ?consistent, conflicting semantics.");
  }
  if (cached && consistent) {
    return HttpError::bad_request(
        "Cannot specify ?cached with ?consistent, conflicting semantics.");
  }
  return std::nullopt;
}

// agent/http.go parseCacheControl: only the numeric forms of max-age and stale-if-error are
// checked.
std::optional<HttpError> check_cache_control(const Request& request) {
  const auto raw = lower(request.header("Cache-Control"));
  std::string_view rest = raw;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto directive = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    for (std::string_view prefix : {"max-age=", "stale-if-error="}) {
      if (directive.starts_with(prefix) && !is_go_int(directive.substr(prefix.size()))) {
        return HttpError::bad_request("Invalid Cache-Control header.");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

boost::system::result<BlockingParams, HttpError> parse_query_options(const Request& request) {
  if (auto e = check_consistency(request)) return *e;
  if (auto e = check_cache_control(request)) return *e;
  return parse_blocking_params(request);
}

}  // namespace gatehouse::tools
