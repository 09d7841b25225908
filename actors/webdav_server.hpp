// The shared folder's WebDAV server (--share-dir DIR[,ro]): libphodav (on
// libsoup) running a GLib main loop on a thread of its own. Each WebDAV
// connection the guest opens (a client id of the webdav mux) becomes one
// connection into the server through a socketpair; the webdav channel feeds
// the guest's bytes in and gets the server's replies back as
//   (webdav_reply_atom, std::int64_t client, protocol::bytes)   empty: closed
// sent to the owner with anon_send, at most `max_replies_in_flight`
// unacknowledged (`ack`): past that the thread stops reading the server, so
// a large GET cannot fill the channel's mailbox.
//
// Confinement: every request head is found in the guest's byte stream
// (protocol/http_requests.hpp) before the server sees any of it; its path,
// and a MOVE/COPY Destination, is decoded and the request refused (403, the
// connection closed) if it has a `..` segment or resolves, through
// symlinks, outside DIR; for a path that does not exist yet its deepest
// existing ancestor is checked. (phodav starts writing a PUT body from
// libsoup's request-started signal, before any handler could refuse it, so
// the check cannot live inside the server.) A libsoup early handler checks
// the same again as a second line. Read-only is phodav's own mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include "protocol/result.hpp"

namespace vigil {

using webdav_reply_atom = caf::atom_constant<caf::atom("davreply")>;

struct shared_folder {
  std::string directory;  // empty: no folder is shared
  bool read_only = false;
};

// True when `request_path` (URL-decoded, "/..."-rooted) stays inside
// `root_real` (a realpath) once resolved on disk; the pure-ish half of the
// confinement, exposed for the tests.
bool webdav_path_confined(const std::string& root_real, const std::string& request_path);

class webdav_server {
public:
  static constexpr std::size_t max_replies_in_flight = 16;
  static constexpr std::size_t max_pending_to_server = 16 * 1024 * 1024;  // per connection

  // nullptr and `error` set when the folder cannot be served.
  static std::unique_ptr<webdav_server> start(const shared_folder& folder, caf::actor owner, std::string& error);
  ~webdav_server();  // stops the thread; every connection closes

  // The guest's bytes for connection `client` (the first opens it); empty: the guest closed it.
  void to_server(std::int64_t client, protocol::bytes data);
  void close_all();   // the guest's port closed
  void ack(std::size_t replies);

  struct impl;

private:
  explicit webdav_server(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::shared_folder)
