#include "consul/upstream.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const Upstream& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "DestinationType", v.destination_type);
  put_omitempty(j, "DestinationNamespace", v.destination_namespace);
  put_omitempty(j, "DestinationPartition", v.destination_partition);
  put_omitempty(j, "DestinationPeer", v.destination_peer);
  j["DestinationName"] = v.destination_name;
  put_omitempty(j, "Datacenter", v.datacenter);
  put_omitempty(j, "LocalBindAddress", v.local_bind_address);
  put_omitempty(j, "LocalBindPort", v.local_bind_port);
  put_omitempty(j, "LocalBindSocketPath", v.local_bind_socket_path);
  put_omitempty(j, "LocalBindSocketMode", v.local_bind_socket_mode);
  if (!v.config.empty()) j["Config"] = v.config;
  j["MeshGateway"] = v.mesh_gateway.empty() ? nlohmann::json::object() : v.mesh_gateway.value();
  put_omitempty(j, "CentrallyConfigured", v.centrally_configured);
}

void decode_fields(ObjectDecoder& d, Upstream& v) {
  d.field("DestinationType", v.destination_type);
  d.field("DestinationNamespace", v.destination_namespace);
  d.field("DestinationPartition", v.destination_partition);
  d.field("DestinationPeer", v.destination_peer);
  d.field("DestinationName", v.destination_name);
  d.field("Datacenter", v.datacenter);
  d.field("LocalBindAddress", v.local_bind_address);
  d.field("LocalBindPort", v.local_bind_port);
  d.field("LocalBindSocketPath", v.local_bind_socket_path);
  d.field("LocalBindSocketMode", v.local_bind_socket_mode);
  d.field("Config", v.config);
  d.field("MeshGateway", v.mesh_gateway);
  d.field("CentrallyConfigured", v.centrally_configured);
}

void from_json(const nlohmann::json& j, Upstream& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
