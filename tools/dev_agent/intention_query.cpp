#include "tools/dev_agent/intention_query.hpp"

#include "consul/intention_target.hpp"

namespace gatehouse::tools {

boost::system::result<std::string, HttpError> required_query(const Request& request,
                                                             std::string_view key) {
  auto value = request.query(key);
  if (!value || value->empty()) {
    return {boost::system::in_place_error,
            HttpError::internal("required query parameter '" + std::string{key} + "' not set")};
  }
  return *value;
}

boost::system::result<consul::ServiceRef, HttpError> service_ref(std::string_view text) {
  auto target = consul::parse_intention_target(text);
  if (!target) return {boost::system::in_place_error, HttpError::internal(target.error())};
  consul::ServiceRef ref;
  ref.name = target->name;
  if (!target->ns.empty()) ref.ns = target->ns;
  ref.partition = target->partition == "default" ? std::string{} : target->partition;
  return ref;
}

}  // namespace gatehouse::tools
