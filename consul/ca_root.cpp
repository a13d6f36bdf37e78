#include "consul/ca_root.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

const CaRoot* CaRoots::active_root() const {
  for (const auto& root : roots)
    if (root.id == active_root_id) return &root;
  return nullptr;
}

void to_json(nlohmann::json& j, const CaRoot& v) {
  j = nlohmann::json{{"ID", v.id},
                     {"Name", v.name},
                     {"SerialNumber", v.serial_number},
                     {"SigningKeyID", v.signing_key_id},
                     {"ExternalTrustDomain", v.external_trust_domain},
                     {"NotBefore", go_time(v.not_before)},
                     {"NotAfter", go_time(v.not_after)},
                     {"RootCert", v.root_cert},
                     {"IntermediateCerts", nil_if_empty(v.intermediate_certs)},
                     {"Active", v.active},
                     {"PrivateKeyType", v.private_key_type},
                     {"PrivateKeyBits", v.private_key_bits},
                     {"CreateIndex", v.create_index},
                     {"ModifyIndex", v.modify_index}};
  put_omitempty(j, "SigningCert", v.signing_cert);
  put_omitempty(j, "SigningKey", v.signing_key);
}

void decode_fields(ObjectDecoder& d, CaRoot& v) {
  d.field("ID", v.id);
  d.field("Name", v.name);
  d.field("SerialNumber", v.serial_number);
  d.field("SigningKeyID", v.signing_key_id);
  d.field("ExternalTrustDomain", v.external_trust_domain);
  d.field("NotBefore", v.not_before);
  d.field("NotAfter", v.not_after);
  d.field("RootCert", v.root_cert);
  d.field("IntermediateCerts", v.intermediate_certs);
  d.field("SigningCert", v.signing_cert);
  d.field("SigningKey", v.signing_key);
  d.field("Active", v.active);
  d.field("PrivateKeyType", v.private_key_type);
  d.field("PrivateKeyBits", v.private_key_bits);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
}

void from_json(const nlohmann::json& j, CaRoot& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const CaRoots& v) {
  j = nlohmann::json{
      {"ActiveRootID", v.active_root_id}, {"TrustDomain", v.trust_domain}, {"Roots", v.roots}};
}

void decode_fields(ObjectDecoder& d, CaRoots& v) {
  d.field("ActiveRootID", v.active_root_id);
  d.field("TrustDomain", v.trust_domain);
  d.field("Roots", v.roots);
}

void from_json(const nlohmann::json& j, CaRoots& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::CaRoot);
GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::CaRoots);
