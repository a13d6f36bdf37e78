#include "tools/dev_agent/list_filter.hpp"

namespace gatehouse::tools {

boost::system::result<FilterExpression, HttpError> list_filter(const Request& req,
                                                               const FilterField& schema) {
  auto filter = FilterExpression::create(req.query("filter").value_or(""), schema);
  if (!filter) return HttpError::internal(filter.error());
  return *filter;
}

}  // namespace gatehouse::tools
