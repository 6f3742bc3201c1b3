-- Employers sign in and reset their password by phone number (issue 16 item 6): the blind
-- index of the employer's contact phone (the number itself stays sealed in
-- contact_phone_cipher). Rows written before this are indexed by the service at start-up.
ALTER TABLE employers ADD COLUMN contact_phone_index BYTEA;
CREATE INDEX employers_contact_phone_index ON employers(contact_phone_index);
