#include "consul/health_check.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const HealthCheck& v) {
  j = nlohmann::json{
      {"Node", v.node},
      {"CheckID", v.check_id},
      {"Name", v.name},
      {"Status", v.status},
      {"Notes", v.notes},
      {"Output", v.output},
      {"ServiceID", v.service_id},
      {"ServiceName", v.service_name},
      {"ServiceTags", v.service_tags},
      {"Type", v.type},
      {"Interval", v.interval},
      {"Timeout", v.timeout},
      {"ExposedPort", v.exposed_port},
      {"Definition", v.definition.empty() ? nlohmann::json::object() : v.definition.value()},
      {"CreateIndex", v.create_index},
      {"ModifyIndex", v.modify_index}};
  put_omitempty(j, "PeerName", v.peer_name);
}

void decode_fields(ObjectDecoder& d, HealthCheck& v) {
  d.field("Node", v.node);
  d.field("CheckID", v.check_id);
  d.field("Name", v.name);
  d.field("Status", v.status);
  d.field("Notes", v.notes);
  d.field("Output", v.output);
  d.field("ServiceID", v.service_id);
  d.field("ServiceName", v.service_name);
  d.field("ServiceTags", v.service_tags);
  d.field("Type", v.type);
  d.field("Interval", v.interval);
  d.field("Timeout", v.timeout);
  d.field("ExposedPort", v.exposed_port);
  d.field("Definition", v.definition);
  d.field("PeerName", v.peer_name);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, HealthCheck& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
