#include "actors/sasl_client.hpp"

#include <sasl/sasl.h>

#include <cstdlib>
#include <mutex>
#include <optional>

namespace vigil {

namespace {

// libsasl2 is set up once per process; its plugins share state, so the calls
// that run them are serialised (they are short: a handful per connection).
std::mutex& library_mutex() {
  static std::mutex mutex;
  return mutex;
}

int initialise_library() {
  static int result = sasl_client_init(nullptr);
  return result;
}

const sasl_callback_t* prompts() {
  // No callbacks of our own: the library asks through SASL_INTERACT, which
  // interact() answers from the credentials given.
  static const sasl_callback_t callbacks[] = {
    {SASL_CB_USER, nullptr, nullptr},
    {SASL_CB_AUTHNAME, nullptr, nullptr},
    {SASL_CB_PASS, nullptr, nullptr},
    {SASL_CB_LIST_END, nullptr, nullptr},
  };
  return callbacks;
}

}  // namespace

struct sasl_client::library_state {
  sasl_conn_t* connection = nullptr;
  const char* output = nullptr;
  unsigned output_length = 0;
  ~library_state() {
    if (connection) {
      std::lock_guard<std::mutex> lock(library_mutex());
      sasl_dispose(&connection);
    }
  }
};

sasl_client::sasl_client(const std::string& server_host, sasl_credentials credentials, bool over_tls)
    : sasl_(std::make_unique<library_state>()), credentials_(std::move(credentials)), over_tls_(over_tls) {
  std::lock_guard<std::mutex> lock(library_mutex());
  if (int result = initialise_library(); result != SASL_OK) {
    fail(std::string("SASL: the library did not initialise: ") + sasl_errstring(result, nullptr, nullptr));
    return;
  }
  int result = sasl_client_new("spice", server_host.c_str(), nullptr, nullptr, prompts(), SASL_SUCCESS_DATA,
                               &sasl_->connection);
  if (result != SASL_OK) {
    fail(std::string("SASL: cannot create a client context: ") + sasl_errstring(result, nullptr, nullptr));
    return;
  }
  if (over_tls_) {
    sasl_ssf_t external = 128;  // TLS protects the stream: the mechanism need not
    sasl_setprop(sasl_->connection, SASL_SSF_EXTERNAL, &external);
  }
  sasl_security_properties_t properties{};
  properties.min_ssf = over_tls_ ? 0 : 56;  // 56: DES, the floor spice-gtk keeps
  properties.max_ssf = over_tls_ ? 0 : 100000;
  properties.maxbufsize = 100000;
  properties.security_flags = over_tls_ ? 0 : SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT;
  if (int set = sasl_setprop(sasl_->connection, SASL_SEC_PROPS, &properties); set != SASL_OK)
    fail(std::string("SASL: cannot set the security properties: ") + sasl_errstring(set, nullptr, nullptr));
}

sasl_client::~sasl_client() = default;

sasl_client::status sasl_client::fail(std::string message) {
  status_ = status::failed;
  if (error_.empty())
    error_ = std::move(message);
  return status_;
}

sasl_client::status sasl_client::feed(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& to_send) {
  if (status_ != status::running)
    return status_;
  auto read = reader_.feed(data, size);
  if (awaiting_auth_result_)
    return read_auth_result();
  while (read == protocol::sasl_server_reader::status::message && status_ == status::running) {
    if (!started_)
      on_mechanism_list(to_send);
    else
      on_step(to_send);
    if (awaiting_auth_result_)
      return read_auth_result();
    if (status_ == status::running)
      read = reader_.next();
  }
  if (read == protocol::sasl_server_reader::status::failed)
    return fail("SASL: " + reader_.error());
  return status_;
}

template <class Call>
int sasl_client::interact(Call call) {
  sasl_interact_t* prompt = nullptr;
  int result;
  std::lock_guard<std::mutex> lock(library_mutex());
  while ((result = call(&prompt)) == SASL_INTERACT) {
    for (sasl_interact_t* item = prompt; item && item->id != SASL_CB_LIST_END; ++item) {
      const std::string* answer = item->id == SASL_CB_PASS ? &credentials_.password : &credentials_.username;
      if (answer->empty()) {
        // The plugin frees its prompts on the call that answers them; there
        // is none now, so they are ours to free (libsasl2 allocates with malloc).
        std::free(prompt);
        credentials_missing_ = true;
        return SASL_FAIL;
      }
      item->result = answer->c_str();
      item->len = static_cast<unsigned>(answer->size());
    }
  }
  return result;
}

sasl_client::status sasl_client::on_mechanism_list(std::vector<std::uint8_t>& to_send) {
  started_ = true;
  auto names = protocol::parse_sasl_mechanism_list(reader_.mechanism_list());
  if (!names)
    return fail("SASL: " + names.error().message);
  std::string list;
  for (const auto& name : *names)
    list += (list.empty() ? "" : " ") + name;
  const char* chosen = nullptr;
  int result = interact([&](sasl_interact_t** prompt) {
    return sasl_client_start(sasl_->connection, list.c_str(), prompt, &sasl_->output, &sasl_->output_length, &chosen);
  });
  if (credentials_missing_)
    return fail("SASL: the server asks for a user name and password (offered: " + list + ") and none were given");
  if (result != SASL_OK && result != SASL_CONTINUE)
    return fail("SASL: no usable mechanism among those the server offers (" + list +
                "): " + sasl_errdetail(sasl_->connection));
  mechanism_ = chosen ? chosen : "";
  last_result_ = result;
  std::optional<std::string> initial;
  if (sasl_->output)
    initial = std::string(sasl_->output, sasl_->output_length);
  auto start = protocol::build_sasl_start(mechanism_, initial);
  if (!start)
    return fail("SASL: " + start.error().message);
  to_send.insert(to_send.end(), start->begin(), start->end());
  stepped_since_reply_ = false;
  return status_;
}

// spice-gtk's loop: a reply marked complete after a response of ours ends the
// exchange; otherwise the client takes (at least) one more step, so the
// server cannot claim success the client did not check.
sasl_client::status sasl_client::on_step(std::vector<std::uint8_t>& to_send) {
  const auto& step = reader_.step();
  if (step.complete && (stepped_since_reply_ || last_result_ == SASL_OK))
    return finish();
  const char* input = step.data ? step.data->c_str() : nullptr;
  unsigned input_length = step.data ? static_cast<unsigned>(step.data->size()) : 0;
  int result = interact([&](sasl_interact_t** prompt) {
    return sasl_client_step(sasl_->connection, input, input_length, prompt, &sasl_->output, &sasl_->output_length);
  });
  if (credentials_missing_)
    return fail("SASL: " + mechanism_ + " asks for a user name and password and none were given");
  if (result != SASL_OK && result != SASL_CONTINUE)
    return fail("SASL: " + mechanism_ + " step failed: " + sasl_errdetail(sasl_->connection));
  last_result_ = result;
  if (step.complete && result == SASL_OK)
    return finish();
  std::optional<std::string> response;
  if (sasl_->output)
    response = std::string(sasl_->output, sasl_->output_length);
  auto bytes = protocol::build_sasl_step(response);
  to_send.insert(to_send.end(), bytes.begin(), bytes.end());
  stepped_since_reply_ = true;
  return status_;
}

sasl_client::status sasl_client::finish() {
  const void* value = nullptr;
  if (sasl_getprop(sasl_->connection, SASL_SSF, &value) == SASL_OK && value)
    ssf_ = *static_cast<const sasl_ssf_t*>(value);
  if (!over_tls_ && ssf_ < 56)
    return fail("SASL: " + mechanism_ + " negotiated a security strength of " + std::to_string(ssf_) +
                ", below the 56 required without TLS");
  if (ssf_ > 0 && sasl_getprop(sasl_->connection, SASL_MAXOUTBUF, &value) == SASL_OK && value)
    max_output_ = *static_cast<const unsigned*>(value);
  if (ssf_ > 0 && max_output_ == 0)
    return fail("SASL: the security layer has no output buffer size");
  awaiting_auth_result_ = true;
  return status_;
}

sasl_client::status sasl_client::read_auth_result() {
  auto result = reader_.take_auth_result();
  if (!result)
    return status_;
  if (*result != 0) {
    credentials_refused_ = true;
    return fail("SASL authentication failed: the server answered " + mechanism_ + " with result " +
                std::to_string(*result) + " (wrong user name or password?)");
  }
  status_ = status::done;
  return status_;
}

bool sasl_client::encode(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& out) {
  for (std::size_t at = 0; at < size;) {
    unsigned piece = static_cast<unsigned>(std::min<std::size_t>(size - at, max_output_));
    const char* encoded = nullptr;
    unsigned encoded_length = 0;
    int result = sasl_encode(sasl_->connection, reinterpret_cast<const char*>(data + at), piece, &encoded,
                             &encoded_length);
    if (result != SASL_OK) {
      error_ = std::string("SASL security layer: encoding failed: ") + sasl_errstring(result, nullptr, nullptr);
      return false;
    }
    out.insert(out.end(), encoded, encoded + encoded_length);
    at += piece;
  }
  return true;
}

bool sasl_client::decode(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& out) {
  // The library buffers partial packets; pieces stay under its input limit.
  constexpr std::size_t piece_limit = 8192;
  for (std::size_t at = 0; at < size;) {
    unsigned piece = static_cast<unsigned>(std::min(size - at, piece_limit));
    const char* decoded = nullptr;
    unsigned decoded_length = 0;
    int result = sasl_decode(sasl_->connection, reinterpret_cast<const char*>(data + at), piece, &decoded,
                             &decoded_length);
    if (result != SASL_OK) {
      error_ = std::string("SASL security layer: decoding failed: ") + sasl_errstring(result, nullptr, nullptr);
      return false;
    }
    out.insert(out.end(), decoded, decoded + decoded_length);
    at += piece;
  }
  return true;
}

}  // namespace vigil
