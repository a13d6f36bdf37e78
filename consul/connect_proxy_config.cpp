#include "consul/connect_proxy_config.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

nlohmann::json object_or_empty(const RawJson& raw) {
  return raw.empty() ? nlohmann::json::object() : raw.value();
}

}  // namespace

nlohmann::json proxy_to_json(const ConnectProxyConfig& v, ProxyShape shape) {
  nlohmann::json j = nlohmann::json::object();
  put_omitempty(j, "DestinationServiceName", v.destination_service_name);
  put_omitempty(j, "DestinationServiceID", v.destination_service_id);
  put_omitempty(j, "LocalServiceAddress", v.local_service_address);
  put_omitempty(j, "LocalServicePort", v.local_service_port);
  put_omitempty(j, "LocalServiceSocketPath", v.local_service_socket_path);
  if (shape == ProxyShape::catalog) {
    j["Mode"] = v.mode;
    j["TransparentProxy"] = object_or_empty(v.transparent_proxy);
  } else {
    put_omitempty(j, "Mode", v.mode);
    if (!v.transparent_proxy.empty()) j["TransparentProxy"] = v.transparent_proxy;
  }
  if (!v.config.empty()) j["Config"] = v.config;
  put_omitempty(j, "Upstreams", v.upstreams);
  j["MeshGateway"] = object_or_empty(v.mesh_gateway);
  j["Expose"] = object_or_empty(v.expose);
  if (shape == ProxyShape::catalog) {
    j["AccessLogs"] = object_or_empty(v.access_logs);
  } else if (!v.access_logs.empty()) {
    j["AccessLogs"] = v.access_logs;
  }
  put_omitempty(j, "EnvoyExtensions", v.envoy_extensions);
  return j;
}

void to_json(nlohmann::json& j, const ConnectProxyConfig& v) {
  j = proxy_to_json(v, ProxyShape::agent);
}

void decode_fields(ObjectDecoder& d, ConnectProxyConfig& v) {
  d.field("DestinationServiceName", v.destination_service_name);
  d.field("DestinationServiceID", v.destination_service_id);
  d.field("LocalServiceAddress", v.local_service_address);
  d.field("LocalServicePort", v.local_service_port);
  d.field("LocalServiceSocketPath", v.local_service_socket_path);
  d.field("Mode", v.mode);
  d.field("TransparentProxy", v.transparent_proxy);
  d.field("Config", v.config);
  d.field("Upstreams", v.upstreams);
  d.field("MeshGateway", v.mesh_gateway);
  d.field("Expose", v.expose);
  d.field("AccessLogs", v.access_logs);
  d.field("EnvoyExtensions", v.envoy_extensions);
}

void from_json(const nlohmann::json& j, ConnectProxyConfig& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
