#include "consul/service_entry.hpp"

#include <algorithm>

#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

bool ServiceEntry::passing() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const HealthCheck& c) { return c.passing(); });
}

const std::string& ServiceEntry::identity_service() const {
  if (service.proxy && !service.proxy->destination_service_name.empty() &&
      !(service.connect && service.connect->native))
    return service.proxy->destination_service_name;
  return service.service;
}

void to_json(nlohmann::json& j, const ServiceEntry& v) {
  j = nlohmann::json{
      {"Node", v.node}, {"Service", node_service_to_json(v.service)}, {"Checks", v.checks}};
}

void decode_fields(ObjectDecoder& d, ServiceEntry& v) {
  d.field("Node", v.node);
  d.field("Service", v.service);
  d.field("Checks", v.checks);
}

void from_json(const nlohmann::json& j, ServiceEntry& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::ServiceEntry);
GATEHOUSE_CONSUL_DECODE_JSON(std::vector<gatehouse::consul::ServiceEntry>);
