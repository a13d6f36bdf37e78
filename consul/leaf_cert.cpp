#include "consul/leaf_cert.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const LeafCert& v) {
  j = nlohmann::json{{"SerialNumber", v.serial_number},
                     {"ValidAfter", go_time(v.valid_after)},
                     {"ValidBefore", go_time(v.valid_before)},
                     {"CreateIndex", v.create_index},
                     {"ModifyIndex", v.modify_index}};
  put_omitempty(j, "CertPEM", v.cert_pem);
  put_omitempty(j, "PrivateKeyPEM", v.private_key_pem);
  put_omitempty(j, "Service", v.service);
  put_omitempty(j, "ServiceURI", v.service_uri);
  put_omitempty(j, "Agent", v.agent);
  put_omitempty(j, "AgentURI", v.agent_uri);
}

void decode_fields(ObjectDecoder& d, LeafCert& v) {
  d.field("SerialNumber", v.serial_number);
  d.field("CertPEM", v.cert_pem);
  d.field("PrivateKeyPEM", v.private_key_pem);
  d.field("Service", v.service);
  d.field("ServiceURI", v.service_uri);
  d.field("Agent", v.agent);
  d.field("AgentURI", v.agent_uri);
  d.field("ValidAfter", v.valid_after);
  d.field("ValidBefore", v.valid_before);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, LeafCert& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::LeafCert);
