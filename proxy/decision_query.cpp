#include "proxy/decision_query.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "proxy/log_fields.hpp"

namespace gatehouse::proxy {
namespace {

using Result = boost::system::result<DecisionQuery, std::string>;

Result fail(std::string reason) { return {boost::system::in_place_error, std::move(reason)}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded value decoding ('+' is a space). Boost.URL's compiled part
// lives in the dev agent's library, which the data path does not link.
std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] != '%') {
      out.push_back(text[i]);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

constexpr std::array kOutcomes{Outcome::accepted, Outcome::denied, Outcome::failed,
                               Outcome::revoked, Outcome::audit_denied};

std::optional<Outcome> parse_outcome(std::string_view text) {
  for (const auto outcome : kOutcomes) {
    if (to_string(outcome) == text) return outcome;
  }
  return std::nullopt;
}

// outcome=denied,failed: each name added once.
std::optional<std::string> add_outcomes(std::string_view list, DecisionFilter& filter) {
  for (std::size_t start = 0; start <= list.size();) {
    const auto comma = std::min(list.find(',', start), list.size());
    const auto name = list.substr(start, comma - start);
    const auto outcome = parse_outcome(name);
    if (!outcome) {
      return "outcome: " + quote_text_value(name) +
             " is not one of accepted, denied, failed, revoked, audit_denied";
    }
    if (std::ranges::find(filter.outcomes, *outcome) == filter.outcomes.end()) {
      filter.outcomes.push_back(*outcome);
    }
    start = comma + 1;
  }
  return std::nullopt;
}

std::optional<std::string> apply(std::string_view key, const std::string& value,
                                 DecisionQuery& query) {
  if (key == "outcome") return add_outcomes(value, query.filter);
  if (key == "src_service") {
    query.filter.src_service = value;
  } else if (key == "dst_service") {
    query.filter.dst_service = value;
  } else if (key == "direction") {
    if (value == "inbound") {
      query.filter.direction = Direction::inbound;
    } else if (value == "outbound") {
      query.filter.direction = Direction::outbound;
    } else {
      return "direction: " + quote_text_value(value) + " is not inbound or outbound";
    }
  } else if (key == "limit") {
    std::size_t n = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (value.empty() || ec != std::errc{} || ptr != end) {
      return "limit: " + quote_text_value(value) + " is not a non-negative integer";
    }
    query.limit = n;
  } else if (key == "follow") {
    if (value == "1" || value == "true" || value.empty()) {
      query.follow = true;
    } else if (value == "0" || value == "false") {
      query.follow = false;
    } else {
      return "follow: " + quote_text_value(value) + " is not 1, true, 0 or false";
    }
  } else {
    return "unknown query parameter " + quote_text_value(key) +
           " (outcome, src_service, dst_service, direction, limit, follow)";
  }
  return std::nullopt;
}

}  // namespace

boost::system::result<DecisionQuery, std::string> parse_decision_query(std::string_view query) {
  DecisionQuery out;
  for (std::size_t start = 0; start < query.size();) {
    const auto amp = std::min(query.find('&', start), query.size());
    const auto pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto raw_key = pair.substr(0, eq);
    const auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    const auto key = form_decode(raw_key);
    const auto value = form_decode(raw_value);
    if (!key || !value) {
      return fail("bad percent-encoding in " + quote_text_value(pair));
    }
    if (auto error = apply(*key, *value, out)) return fail(*error);
  }
  return out;
}

}  // namespace gatehouse::proxy
