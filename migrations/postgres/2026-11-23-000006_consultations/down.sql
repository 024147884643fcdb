DROP TABLE submission_actions;
DROP TABLE submission_aspects;
DROP TABLE submission_target_groups;
DROP TABLE submissions;
DROP TABLE consultation_municipalities;
DROP TABLE consultation_aspects;
DROP TABLE consultation_target_groups;
DROP TABLE consultations;
