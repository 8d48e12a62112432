-- Competitors' stories are followed (digest counts, comparisons) but never ticketed: only
-- stories about the customer's own brand reach its departments.
ALTER TABLE story ADD COLUMN own_brand boolean NOT NULL DEFAULT true;
