#pragma once
// Private keys for the CA and for leaves: generate, read, write, and name them.

#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace gatehouse::tls {

// Consul's key settings: type "ec" with bits 224/256/384/521, or "rsa" with 2048/4096. Errors are
// Consul's own texts ("EC key length must be one of (224, 256, 384, 521) bits", ...).
boost::system::result<void, std::string> validate_key_type_and_bits(std::string_view type,
                                                                    int bits);
boost::system::result<EvpPkeyPtr, std::string> generate_private_key(std::string_view type,
                                                                    int bits);

// Any PEM private key OpenSSL reads ("EC PRIVATE KEY", "RSA PRIVATE KEY", "PRIVATE KEY").
boost::system::result<EvpPkeyPtr, std::string> parse_private_key(std::string_view pem);

// The traditional PEM form Consul writes: "EC PRIVATE KEY" for EC, "RSA PRIVATE KEY" for RSA.
boost::system::result<std::string, std::string> private_key_to_pem(EVP_PKEY* key);

// "ec" or "rsa" (empty for anything else) and the key size in bits, as Consul reports them.
std::string key_type_name(const EVP_PKEY* key);
int key_bits(const EVP_PKEY* key);

// SHA-256 of the DER SubjectPublicKeyInfo: Consul's key id (SubjectKeyId, SigningKeyID).
std::vector<std::uint8_t> public_key_id(const EVP_PKEY* key);

}  // namespace gatehouse::tls
