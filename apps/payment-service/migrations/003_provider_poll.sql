-- Payments waiting for a webhook that may never come: the resumer asks the provider again about
-- those silent for PROVIDER_POLL_AFTER_MS, and this index finds them without a scan.
create index payments_awaiting_idx on payments (updated_at)
  where recovery_point in ('awaiting_authorization', 'awaiting_capture_result');
