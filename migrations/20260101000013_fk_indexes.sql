-- DOMAIN.md §4: a plain index on every foreign-key column that leads no other index, so
-- deletes of the referenced rows (ON DELETE checks) and joins do not scan the table.
CREATE INDEX academy_chapter_completions_chapter_id_fk_idx ON academy_chapter_completions (chapter_id);
CREATE INDEX academy_comments_author_id_fk_idx ON academy_comments (author_id);
CREATE INDEX academy_lesson_notes_lesson_id_fk_idx ON academy_lesson_notes (lesson_id);
CREATE INDEX appointments_rescheduled_from_id_fk_idx ON appointments (rescheduled_from_id);
CREATE INDEX articles_reviewed_by_fk_idx ON articles (reviewed_by);
CREATE INDEX artisan_clients_user_id_fk_idx ON artisan_clients (user_id);
CREATE INDEX conversations_created_by_fk_idx ON conversations (created_by);
CREATE INDEX documents_appointment_id_fk_idx ON documents (appointment_id);
CREATE INDEX documents_resource_id_fk_idx ON documents (resource_id);
CREATE INDEX impact_opportunities_created_by_fk_idx ON impact_opportunities (created_by);
CREATE INDEX learners_user_id_fk_idx ON learners (user_id);
CREATE INDEX merchant_clients_user_id_fk_idx ON merchant_clients (user_id);
CREATE INDEX messages_attachment_document_id_fk_idx ON messages (attachment_document_id);
CREATE INDEX messages_sender_id_fk_idx ON messages (sender_id);
CREATE INDEX notifications_appointment_id_fk_idx ON notifications (appointment_id);
CREATE INDEX notifications_conversation_id_fk_idx ON notifications (conversation_id);
CREATE INDEX pass_payments_user_id_fk_idx ON pass_payments (user_id);
CREATE INDEX precompta_entries_receipt_document_id_fk_idx ON precompta_entries (receipt_document_id);
CREATE INDEX pro_applications_criminal_record_doc_id_fk_idx ON pro_applications (criminal_record_doc_id);
CREATE INDEX pro_applications_diploma_doc_id_fk_idx ON pro_applications (diploma_doc_id);
CREATE INDEX pro_applications_insurance_doc_id_fk_idx ON pro_applications (insurance_doc_id);
CREATE INDEX pro_applications_kbis_doc_id_fk_idx ON pro_applications (kbis_doc_id);
CREATE INDEX pro_applications_reviewed_by_fk_idx ON pro_applications (reviewed_by);
CREATE INDEX stock_movements_created_by_fk_idx ON stock_movements (created_by);
