#pragma once
// `?filter=` on a catalog, health or agent list. Consul compiles the expression in the RPC
// handler (bexpr.CreateFilter) and returns its error as is, which the HTTP layer answers as a 500
// with the text (agent/http.go); the filter runs on what the state store listed, before the ACL
// filter, and leaves the index alone.

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "tools/dev_agent/filter_expression.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/request.hpp"

namespace gatehouse::tools {

// The request's `?filter=` compiled against `schema` (absent or empty: keeps everything).
boost::system::result<FilterExpression, HttpError> list_filter(const Request& req,
                                                               const FilterField& schema);

// Drops the items the filter does not match, judged on each item's JSON.
template <class T>
void keep_matching(std::vector<T>& items, const FilterExpression& filter) {
  std::erase_if(items, [&](const T& item) { return !filter.matches(nlohmann::json(item)); });
}

}  // namespace gatehouse::tools
