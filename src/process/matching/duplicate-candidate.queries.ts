/** The candidates' read model moved to the store; this path stays for the modules that still import it here. */
export { DuplicateCandidateReadModel as DuplicateCandidateQueries, type DuplicateCandidate } from '../store/matching/duplicate-candidate.read-model';
