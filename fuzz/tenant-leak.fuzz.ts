/** A deleted todo's id is reused by another team and leaks into the first team's list. */
import { todoFuzzTarget } from './todo-fuzz.ts';

export default todoFuzzTarget('tenant-leak', ['tenant-leak'], {
  // Arrivals are drawn from each actor's tape (0..2h), so the other team's actor can arrive after the delete.
  arrivalJitter: '2h',
  // The recycled id also makes a teammate's completed todo come back open ("lost update" complaint):
  // a real symptom of this bug, but this target hunts the cross-team leak itself.
  failWhen: (complaint) => complaint.message.includes('tenant leak'),
});
