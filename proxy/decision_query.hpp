#pragma once
// The query string of GET /decisions: outcome= (repeatable or a comma list), src_service=,
// dst_service=, direction=inbound|outbound, limit=N, follow=1. Unknown parameters and bad values
// are refused with a one-line reason (a typo must not silently widen the answer).

#include <boost/system/result.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/decision_stream.hpp"

namespace gatehouse::proxy {

struct DecisionQuery {
  DecisionFilter filter;
  std::optional<std::size_t> limit;  // the last N after filtering
  bool follow = false;
};

// `query` is what follows the '?' of the target (may be empty).
boost::system::result<DecisionQuery, std::string> parse_decision_query(std::string_view query);

}  // namespace gatehouse::proxy
