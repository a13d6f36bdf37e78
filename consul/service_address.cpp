#include "consul/service_address.hpp"

#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const ServiceAddress& v) {
  j = nlohmann::json{{"Address", v.address}, {"Port", v.port}};
}

void decode_fields(ObjectDecoder& d, ServiceAddress& v) {
  d.field("Address", v.address);
  d.field("Port", v.port);
}

void from_json(const nlohmann::json& j, ServiceAddress& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
