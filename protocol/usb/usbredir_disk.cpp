#include "protocol/usb/usbredir_disk.hpp"

#include <algorithm>
#include <cstring>

#include <usbredirfilter.h>
#include <usbredirparser.h>

namespace vigil::protocol::usb {

namespace {

constexpr std::uint8_t bulk_in_endpoint = 0x81;
constexpr std::uint8_t bulk_out_endpoint = 0x02;
constexpr std::uint16_t bulk_max_packet = 512;  // high speed
constexpr std::uint8_t control_max_packet = 64;

// usbredir's endpoint index: IN endpoints in the upper half.
constexpr int endpoint_index(std::uint8_t endpoint) { return ((endpoint & 0x80) >> 3) | (endpoint & 0x0f); }

bytes string_descriptor(const std::string& text) {
  bytes out{static_cast<std::uint8_t>(2 + 2 * text.size()), 3};
  for (char c : text) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

}  // namespace

// The C callbacks libusbredirparser calls; `priv` is the usbredir_disk.
struct usbredir_disk::callbacks {
  static usbredir_disk& self(void* priv) { return *static_cast<usbredir_disk*>(priv); }

  static void log(void* priv, int level, const char* message) {
    if (level <= usbredirparser_error)
      self(priv).error_ = message;
  }
  static int read(void* priv, std::uint8_t* data, int count) {
    auto& disk = self(priv);
    std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(count), disk.input_left_);
    std::memcpy(data, disk.input_, n);
    disk.input_ += n;
    disk.input_left_ -= n;
    return static_cast<int>(n);
  }
  static int write(void* priv, std::uint8_t* data, int count) {
    auto& out = self(priv).output_;
    out.insert(out.end(), data, data + count);
    return count;
  }
  static void hello(void* priv, usb_redir_hello_header* hello) {
    auto& disk = self(priv);
    disk.counters_.peer_hello = true;
    disk.counters_.peer_version.assign(hello->version, strnlen(hello->version, sizeof hello->version));
    disk.announce_device();
  }
  static void reset(void* priv) {
    auto& disk = self(priv);
    ++disk.counters_.device_resets;
    disk.bot_.reset();
    disk.bot_.clear_halt(true);
    disk.bot_.clear_halt(false);
    disk.counters_.configuration = 0;
  }
  static void set_configuration(void* priv, std::uint64_t id, usb_redir_set_configuration_header* request) {
    auto& disk = self(priv);
    usb_redir_configuration_status_header status{};
    if (request->configuration <= 1) {
      disk.counters_.configuration = request->configuration;
      status.status = usb_redir_success;
    } else {
      status.status = usb_redir_stall;
    }
    status.configuration = disk.counters_.configuration;
    usbredirparser_send_configuration_status(disk.parser_, id, &status);
  }
  static void get_configuration(void* priv, std::uint64_t id) {
    auto& disk = self(priv);
    usb_redir_configuration_status_header status{usb_redir_success, disk.counters_.configuration};
    usbredirparser_send_configuration_status(disk.parser_, id, &status);
  }
  static void set_alt_setting(void* priv, std::uint64_t id, usb_redir_set_alt_setting_header* request) {
    auto& disk = self(priv);
    bool ok = request->interface == 0 && request->alt == 0;
    usb_redir_alt_setting_status_header status{static_cast<std::uint8_t>(ok ? usb_redir_success : usb_redir_stall),
                                               request->interface, 0};
    usbredirparser_send_alt_setting_status(disk.parser_, id, &status);
  }
  static void get_alt_setting(void* priv, std::uint64_t id, usb_redir_get_alt_setting_header* request) {
    auto& disk = self(priv);
    bool ok = request->interface == 0;
    usb_redir_alt_setting_status_header status{static_cast<std::uint8_t>(ok ? usb_redir_success : usb_redir_inval),
                                               request->interface, 0};
    usbredirparser_send_alt_setting_status(disk.parser_, id, &status);
  }
  static void cancel(void* priv, std::uint64_t id) {
    auto& disk = self(priv);
    auto& pending = disk.pending_in_;
    auto it = std::find_if(pending.begin(), pending.end(), [id](const pending_in& p) { return p.id == id; });
    if (it == pending.end())
      return;  // already answered
    auto endpoint = it->endpoint;
    pending.erase(it);
    ++disk.counters_.cancelled;
    disk.reply_bulk(id, endpoint, usb_redir_cancelled, {});
  }
  static void filter_reject(void* priv) {
    auto& disk = self(priv);
    disk.counters_.rejected = true;
    disk.counters_.connected = false;
  }
  static void filter_filter(void*, usbredirfilter_rule* rules, int) { usbredirfilter_free(rules); }
  static void control(void* priv, std::uint64_t id, usb_redir_control_packet_header* header, std::uint8_t* data,
                      int length) {
    auto& disk = self(priv);
    disk.on_control(id, header, data, length);
    usbredirparser_free_packet_data(disk.parser_, data);
  }
  static void bulk(void* priv, std::uint64_t id, usb_redir_bulk_packet_header* header, std::uint8_t* data,
                   int length) {
    auto& disk = self(priv);
    disk.on_bulk(id, header, data, length);
    usbredirparser_free_packet_data(disk.parser_, data);
  }
  // Streams this device has no endpoint for: refused (stall) so the guest
  // side stops asking; stopping one is always fine.
  static void start_iso(void* priv, std::uint64_t id, usb_redir_start_iso_stream_header* request) {
    usb_redir_iso_stream_status_header status{usb_redir_stall, request->endpoint};
    usbredirparser_send_iso_stream_status(self(priv).parser_, id, &status);
  }
  static void stop_iso(void* priv, std::uint64_t id, usb_redir_stop_iso_stream_header* request) {
    usb_redir_iso_stream_status_header status{usb_redir_success, request->endpoint};
    usbredirparser_send_iso_stream_status(self(priv).parser_, id, &status);
  }
  static void start_interrupt(void* priv, std::uint64_t id, usb_redir_start_interrupt_receiving_header* request) {
    usb_redir_interrupt_receiving_status_header status{usb_redir_stall, request->endpoint};
    usbredirparser_send_interrupt_receiving_status(self(priv).parser_, id, &status);
  }
  static void stop_interrupt(void* priv, std::uint64_t id, usb_redir_stop_interrupt_receiving_header* request) {
    usb_redir_interrupt_receiving_status_header status{usb_redir_success, request->endpoint};
    usbredirparser_send_interrupt_receiving_status(self(priv).parser_, id, &status);
  }
  static void alloc_streams(void* priv, std::uint64_t id, usb_redir_alloc_bulk_streams_header* request) {
    usb_redir_bulk_streams_status_header status{request->endpoints, request->no_streams, usb_redir_stall};
    usbredirparser_send_bulk_streams_status(self(priv).parser_, id, &status);
  }
  static void free_streams(void* priv, std::uint64_t id, usb_redir_free_bulk_streams_header* request) {
    usb_redir_bulk_streams_status_header status{request->endpoints, 0, usb_redir_success};
    usbredirparser_send_bulk_streams_status(self(priv).parser_, id, &status);
  }
  static void start_bulk_receiving(void* priv, std::uint64_t id, usb_redir_start_bulk_receiving_header* request) {
    usb_redir_bulk_receiving_status_header status{request->stream_id, request->endpoint, usb_redir_stall};
    usbredirparser_send_bulk_receiving_status(self(priv).parser_, id, &status);
  }
  static void stop_bulk_receiving(void* priv, std::uint64_t id, usb_redir_stop_bulk_receiving_header* request) {
    usb_redir_bulk_receiving_status_header status{request->stream_id, request->endpoint, usb_redir_success};
    usbredirparser_send_bulk_receiving_status(self(priv).parser_, id, &status);
  }
  static void disconnect_ack(void*) {}
  // Transfer types this device has no endpoint for.
  static void interrupt(void* priv, std::uint64_t id, usb_redir_interrupt_packet_header* header, std::uint8_t* data,
                        int) {
    auto& disk = self(priv);
    usbredirparser_free_packet_data(disk.parser_, data);
    usb_redir_interrupt_packet_header reply{header->endpoint, usb_redir_inval, 0};
    usbredirparser_send_interrupt_packet(disk.parser_, id, &reply, nullptr, 0);
  }
  static void iso(void* priv, std::uint64_t id, usb_redir_iso_packet_header* header, std::uint8_t* data, int) {
    auto& disk = self(priv);
    usbredirparser_free_packet_data(disk.parser_, data);
    usb_redir_iso_packet_header reply{header->endpoint, usb_redir_inval, 0};
    usbredirparser_send_iso_packet(disk.parser_, id, &reply, nullptr, 0);
  }
};

usbredir_disk::usbredir_disk(block_store& store, usb_disk_options options)
    : options_(std::move(options)), bot_(store, options_.read_only, options_.identity) {
  parser_ = usbredirparser_create();
  parser_->priv = this;
  parser_->log_func = &callbacks::log;
  parser_->read_func = &callbacks::read;
  parser_->write_func = &callbacks::write;
  parser_->hello_func = &callbacks::hello;
  parser_->reset_func = &callbacks::reset;
  parser_->set_configuration_func = &callbacks::set_configuration;
  parser_->get_configuration_func = &callbacks::get_configuration;
  parser_->set_alt_setting_func = &callbacks::set_alt_setting;
  parser_->get_alt_setting_func = &callbacks::get_alt_setting;
  parser_->cancel_data_packet_func = &callbacks::cancel;
  parser_->filter_reject_func = &callbacks::filter_reject;
  parser_->filter_filter_func = &callbacks::filter_filter;
  parser_->control_packet_func = &callbacks::control;
  parser_->bulk_packet_func = &callbacks::bulk;
  parser_->interrupt_packet_func = &callbacks::interrupt;
  parser_->iso_packet_func = &callbacks::iso;
  parser_->start_iso_stream_func = &callbacks::start_iso;
  parser_->stop_iso_stream_func = &callbacks::stop_iso;
  parser_->start_interrupt_receiving_func = &callbacks::start_interrupt;
  parser_->stop_interrupt_receiving_func = &callbacks::stop_interrupt;
  parser_->alloc_bulk_streams_func = &callbacks::alloc_streams;
  parser_->free_bulk_streams_func = &callbacks::free_streams;
  parser_->start_bulk_receiving_func = &callbacks::start_bulk_receiving;
  parser_->stop_bulk_receiving_func = &callbacks::stop_bulk_receiving;
  parser_->device_disconnect_ack_func = &callbacks::disconnect_ack;

  std::uint32_t caps[USB_REDIR_CAPS_SIZE] = {};
  for (int cap : {usb_redir_cap_connect_device_version, usb_redir_cap_filter, usb_redir_cap_device_disconnect_ack,
                  usb_redir_cap_ep_info_max_packet_size, usb_redir_cap_64bits_ids, usb_redir_cap_32bits_bulk_length})
    usbredirparser_caps_set_cap(caps, cap);
  usbredirparser_init(parser_, "vigil usb disk", caps, USB_REDIR_CAPS_SIZE, usbredirparser_fl_usb_host);
  usbredirparser_do_write(parser_);
}

usbredir_disk::~usbredir_disk() { usbredirparser_destroy(parser_); }

std::optional<parse_error> usbredir_disk::feed(const std::uint8_t* data, std::size_t size) {
  input_ = data;
  input_left_ = size;
  for (;;) {
    int status = usbredirparser_do_read(parser_);
    if (status != usbredirparser_read_parse_error)
      break;
    if (++counters_.parse_errors > options_.max_parse_errors) {
      input_left_ = 0;
      return parse_error{"usbredir: more than " + std::to_string(options_.max_parse_errors) +
                         " packets did not parse (last: " + error_ + ")"};
    }
  }
  input_ = nullptr;
  input_left_ = 0;
  usbredirparser_do_write(parser_);
  if (pending_in_.size() > options_.max_pending_in)
    return parse_error{"usbredir: more than " + std::to_string(options_.max_pending_in) +
                       " bulk IN transfers waiting on the disk"};
  return std::nullopt;
}

bytes usbredir_disk::take_output() { return std::move(output_); }

void usbredir_disk::unplug() {
  if (!counters_.connected)
    return;
  counters_.connected = false;
  usbredirparser_send_device_disconnect(parser_);
  usbredirparser_do_write(parser_);
}

void usbredir_disk::announce_device() {
  if (counters_.connected || counters_.rejected)
    return;
  usb_redir_interface_info_header interfaces{};
  interfaces.interface_count = 1;
  interfaces.interface[0] = 0;
  interfaces.interface_class[0] = 0x08;     // mass storage
  interfaces.interface_subclass[0] = 0x06;  // SCSI transparent command set
  interfaces.interface_protocol[0] = 0x50;  // bulk-only transport
  usbredirparser_send_interface_info(parser_, &interfaces);

  usb_redir_ep_info_header endpoints{};
  std::memset(endpoints.type, usb_redir_type_invalid, sizeof endpoints.type);
  for (std::uint8_t control : {std::uint8_t{0x00}, std::uint8_t{0x80}}) {
    endpoints.type[endpoint_index(control)] = usb_redir_type_control;
    endpoints.max_packet_size[endpoint_index(control)] = control_max_packet;
  }
  for (std::uint8_t bulk : {bulk_in_endpoint, bulk_out_endpoint}) {
    endpoints.type[endpoint_index(bulk)] = usb_redir_type_bulk;
    endpoints.max_packet_size[endpoint_index(bulk)] = bulk_max_packet;
  }
  usbredirparser_send_ep_info(parser_, &endpoints);

  usb_redir_device_connect_header device{};
  device.speed = usb_redir_speed_high;
  device.vendor_id = options_.vendor_id;
  device.product_id = options_.product_id;
  device.device_version_bcd = 0x0100;
  usbredirparser_send_device_connect(parser_, &device);
  counters_.connected = true;
}

bytes usbredir_disk::descriptor(std::uint8_t type, std::uint8_t index) const {
  switch (type) {
    case 1:  // device
      return {18, 1, 0x00, 0x02, 0, 0, 0, control_max_packet,
              static_cast<std::uint8_t>(options_.vendor_id), static_cast<std::uint8_t>(options_.vendor_id >> 8),
              static_cast<std::uint8_t>(options_.product_id), static_cast<std::uint8_t>(options_.product_id >> 8),
              0x00, 0x01, 1, 2, 3, 1};
    case 2:  // configuration, with its interface and two bulk endpoints
      return {9, 2, 32, 0, 1, 1, 0, 0x80, 50,
              9, 4, 0, 0, 2, 0x08, 0x06, 0x50, 0,
              7, 5, bulk_in_endpoint, 0x02, bulk_max_packet & 0xff, bulk_max_packet >> 8, 0,
              7, 5, bulk_out_endpoint, 0x02, bulk_max_packet & 0xff, bulk_max_packet >> 8, 0};
    case 3:  // strings: languages (US English), manufacturer, product, serial
      switch (index) {
        case 0: return {4, 3, 0x09, 0x04};
        case 1: return string_descriptor(options_.identity.vendor);
        case 2: return string_descriptor(options_.identity.product);
        case 3: return string_descriptor(options_.identity.serial);
        default: return {};
      }
    case 6:  // device qualifier: a high-speed device says how it looks at full speed
      return {10, 6, 0x00, 0x02, 0, 0, 0, control_max_packet, 1, 0};
    default:
      return {};  // stalls: BOS, other speed configuration, ...
  }
}

void usbredir_disk::on_control(std::uint64_t id, const void* raw_header, const std::uint8_t* data, int data_length) {
  auto header = *static_cast<const usb_redir_control_packet_header*>(raw_header);
  ++counters_.control_transfers;
  bool in = (header.requesttype & 0x80) != 0;
  std::optional<bytes> reply;  // nullopt: stall
  switch (header.requesttype << 8 | header.request) {
    case 0x8006: {  // GET_DESCRIPTOR
      auto found = descriptor(static_cast<std::uint8_t>(header.value >> 8), static_cast<std::uint8_t>(header.value));
      if (!found.empty())
        reply = std::move(found);
      break;
    }
    case 0x8000: case 0x8100:  // GET_STATUS: device (bus powered), interface
      reply = bytes{0, 0};
      break;
    case 0x8200:  // GET_STATUS: endpoint halt
      reply = bytes{static_cast<std::uint8_t>(bot_.halted((header.index & 0x80) != 0) ? 1 : 0), 0};
      break;
    case 0x8008:  // GET_CONFIGURATION (QEMU normally asks with get_configuration)
      reply = bytes{counters_.configuration};
      break;
    case 0x0001: case 0x0101: case 0x0003: case 0x0103:  // CLEAR/SET_FEATURE on device, interface
    case 0x0203:                                          // SET_FEATURE on an endpoint
      reply = bytes{};
      break;
    case 0x0201:  // CLEAR_FEATURE(ENDPOINT_HALT)
      bot_.clear_halt((header.index & 0x80) != 0);
      reply = bytes{};
      break;
    case 0x21FF:  // Bulk-Only Mass Storage Reset
      bot_.reset();
      reply = bytes{};
      break;
    case 0xA1FE:  // Get Max LUN
      reply = bytes{0};
      break;
    default:
      break;
  }
  if (!reply) {
    ++counters_.stalled_control_transfers;
    header.status = usb_redir_stall;
    header.length = 0;
    usbredirparser_send_control_packet(parser_, id, &header, nullptr, 0);
    return;
  }
  header.status = usb_redir_success;
  if (in) {
    if (reply->size() > header.length)
      reply->resize(header.length);
    header.length = static_cast<std::uint16_t>(reply->size());
    usbredirparser_send_control_packet(parser_, id, &header, reply->data(), static_cast<int>(reply->size()));
  } else {
    (void)data;
    header.length = static_cast<std::uint16_t>(data_length);
    usbredirparser_send_control_packet(parser_, id, &header, nullptr, 0);
  }
  serve_pending_in();  // a reset or cleared halt may let a waiting transfer finish
}

void usbredir_disk::on_bulk(std::uint64_t id, const void* raw_header, const std::uint8_t* data, int data_length) {
  auto header = *static_cast<const usb_redir_bulk_packet_header*>(raw_header);
  ++counters_.bulk_transfers;
  std::uint32_t length = static_cast<std::uint32_t>(header.length_high) << 16 | header.length;
  if (header.endpoint == bulk_out_endpoint) {
    auto status = bot_.bulk_out(data, static_cast<std::size_t>(data_length));
    bool ok = status == transfer_status::ok;
    header.status = ok ? usb_redir_success : usb_redir_stall;
    std::uint32_t done = ok ? static_cast<std::uint32_t>(data_length) : 0;
    header.length = static_cast<std::uint16_t>(done);
    header.length_high = static_cast<std::uint16_t>(done >> 16);
    usbredirparser_send_bulk_packet(parser_, id, &header, nullptr, 0);
    serve_pending_in();
    return;
  }
  if (header.endpoint != bulk_in_endpoint) {
    reply_bulk(id, header.endpoint, usb_redir_inval, {});
    return;
  }
  pending_in_.push_back(pending_in{id, header.endpoint, length});
  serve_pending_in();
}

void usbredir_disk::serve_pending_in() {
  while (!pending_in_.empty()) {
    auto next = pending_in_.front();
    auto reply = bot_.bulk_in(next.length);
    if (!reply)
      return;
    pending_in_.pop_front();
    reply_bulk(next.id, next.endpoint,
               reply->status == transfer_status::ok ? usb_redir_success : usb_redir_stall, reply->data);
  }
}

void usbredir_disk::reply_bulk(std::uint64_t id, std::uint8_t endpoint, std::uint8_t status, const bytes& data) {
  usb_redir_bulk_packet_header header{};
  header.endpoint = endpoint;
  header.status = status;
  auto length = static_cast<std::uint32_t>(data.size());
  header.length = static_cast<std::uint16_t>(length);
  header.length_high = static_cast<std::uint16_t>(length >> 16);
  usbredirparser_send_bulk_packet(parser_, id, &header, const_cast<std::uint8_t*>(data.data()),
                                  static_cast<int>(data.size()));
}

}  // namespace vigil::protocol::usb
