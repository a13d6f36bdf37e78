#include "consul/service_defaults_entry.hpp"

#include "consul/go_quote.hpp"
#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {
namespace {

nlohmann::json object_or_empty(const RawJson& raw) {
  return raw.empty() ? nlohmann::json::object() : raw.value();
}

}  // namespace

bool ServiceDefaultsEntry::is_http_like() const {
  const auto p = effective_protocol();
  return p == "http" || p == "http2" || p == "grpc";
}

std::string l7_protocol_error(std::string_view service, std::string_view protocol) {
  return "service " + go_quote(service) + " has protocol " + go_quote(protocol) +
         ", which is incompatible with L7 intentions permissions";
}

void to_json(nlohmann::json& j, const ServiceDefaultsEntry& v) {
  j = nlohmann::json{{"Kind", v.kind}, {"Name", v.name}};
  put_omitempty(j, "Protocol", v.protocol);
  put_omitempty(j, "Mode", v.mode);
  j["TransparentProxy"] = object_or_empty(v.transparent_proxy);
  put_omitempty(j, "MutualTLSMode", v.mutual_tls_mode);
  j["MeshGateway"] = object_or_empty(v.mesh_gateway);
  j["Expose"] = object_or_empty(v.expose);
  put_omitempty(j, "ExternalSNI", v.external_sni);
  if (!v.upstream_config.empty()) j["UpstreamConfig"] = v.upstream_config;
  if (!v.destination.empty()) j["Destination"] = v.destination;
  put_omitempty(j, "MaxInboundConnections", v.max_inbound_connections);
  put_omitempty(j, "LocalConnectTimeoutMs", v.local_connect_timeout_ms);
  put_omitempty(j, "LocalRequestTimeoutMs", v.local_request_timeout_ms);
  put_omitempty(j, "BalanceInboundConnections", v.balance_inbound_connections);
  put_omitempty(j, "EnvoyExtensions", v.envoy_extensions);
  put_omitempty(j, "Meta", v.meta);
  put_omitempty(j, "Namespace", v.namespace_ == "default" ? std::string{} : v.namespace_);
  put_omitempty(j, "Partition", v.partition == "default" ? std::string{} : v.partition);
  j["CreateIndex"] = v.create_index;
  j["ModifyIndex"] = v.modify_index;
}

void decode_fields(ObjectDecoder& d, ServiceDefaultsEntry& v) {
  d.field("Kind", v.kind);
  d.field("Name", v.name);
  d.field("Protocol", v.protocol);
  d.field("Mode", v.mode);
  d.field("TransparentProxy", v.transparent_proxy);
  d.field("MutualTLSMode", v.mutual_tls_mode);
  d.field("MeshGateway", v.mesh_gateway);
  d.field("Expose", v.expose);
  d.field("ExternalSNI", v.external_sni);
  d.field("UpstreamConfig", v.upstream_config);
  d.field("Destination", v.destination);
  d.field("MaxInboundConnections", v.max_inbound_connections);
  d.field("LocalConnectTimeoutMs", v.local_connect_timeout_ms);
  d.field("LocalRequestTimeoutMs", v.local_request_timeout_ms);
  d.field("BalanceInboundConnections", v.balance_inbound_connections);
  d.field("EnvoyExtensions", v.envoy_extensions);
  d.field("Meta", v.meta);
  d.field("Namespace", v.namespace_);
  d.field("Partition", v.partition);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, ServiceDefaultsEntry& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::ServiceDefaultsEntry);
